"""An unanswered or nearly empty screening says "not enough information to assess", never "not indicated":
on the result page, the list, the decision queue, the API and the CLI; old stored outcomes are relabelled."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from palermo.identification.models import Screening
from palermo.identification.selectors import screening_catalogue
from palermo.identification.services import screening_start
from palermo.organisations.models import Role
from tests.conftest import acting_of, api_client, signed_in_client
from tests.identification.test_evaluate import cli  # noqa: F401  # the `palermo` command fixture

pytestmark = pytest.mark.xdist_group("migrated_data_dir")

GENERAL = "municipal-general"  # 3 topics, 13 questions


def _skip_every_topic(client, screening_id: int, topics: int) -> None:  # type: ignore[no-untyped-def]
    for step in range(1, topics + 1):
        assert client.post(f"/screenings/{screening_id}/topic/{step}/", {"next": "1"}).status_code == 302
    assert client.post(f"/screenings/{screening_id}/elements/", {"finish": "1"}).status_code == 302


@pytest.mark.django_db
def test_a_screening_with_every_question_skipped_says_not_enough_information(org_a, member):
    responder = member(Role.FIRST_RESPONDER, org_a)
    client = signed_in_client(responder)
    client.post("/screenings/new/", {"catalogue": GENERAL, "reference": "Market, Friday"})
    screening = Screening.objects.get()
    _skip_every_topic(client, screening.pk, 3)

    page = client.get(f"/screenings/{screening.pk}/").content.decode()
    assert "Not enough information to assess" in page
    assert "Not indicated" not in page
    assert "No sign of trafficking was found" not in page
    assert "0 of 13 questions were answered yes or no" in page
    # The responder may still refer a person they worry about.
    assert "Refer for an identification decision" in page
    listing = client.get("/screenings/").content.decode()
    assert "Not enough information to assess" in listing
    assert "Not indicated" not in listing
    screening.refresh_from_db()
    assert screening.outcome == "insufficient"


@pytest.mark.django_db
def test_the_french_page_says_it_in_french(org_a, member):
    responder = member(Role.FIRST_RESPONDER, org_a)
    client = signed_in_client(responder)
    client.post("/screenings/new/", {"catalogue": GENERAL})
    screening = Screening.objects.get()
    _skip_every_topic(client, screening.pk, 3)
    page = client.get(f"/screenings/{screening.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Informations insuffisantes pour évaluer" in page


@pytest.mark.django_db
def test_a_fully_answered_screening_without_signs_is_still_not_indicated(org_a, member):
    api = api_client(member(Role.FIRST_RESPONDER, org_a))
    questions = {
        i
        for d in api.get("/api/v1/catalogues").json()
        if d["id"] == GENERAL
        for t in d["dimensions"]
        for i in (x["id"] for x in t["indicators"])
    }
    created = api.post(
        "/api/v1/screenings", {"catalogue": GENERAL, "answers": dict.fromkeys(questions, "no")}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["outcome"] == "not_indicated"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answers",
    [{}, {"gen.young_age": "no"}, {"gen.young_age": "unknown", "gen.gender_pattern": "unknown"}],
    ids=["empty", "one-no", "dont-know"],
)
def test_the_api_says_insufficient_for_a_nearly_empty_screening(org_a, member, answers):
    api = api_client(member(Role.FIRST_RESPONDER, org_a))
    created = api.post("/api/v1/screenings", {"catalogue": GENERAL, "answers": answers}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["outcome"] == "insufficient"
    assert created.json()["result"]["outcome"] == "insufficient"
    evaluated = api.post("/api/v1/screenings/evaluate", {"catalogue": GENERAL, "answers": answers}, format="json")
    assert evaluated.json()["outcome"] == "insufficient"
    assert evaluated.json()["explanation"].startswith("Not enough information to assess")


@pytest.mark.django_db
def test_the_cli_says_insufficient_for_an_empty_screening(cli):  # noqa: F811
    done = cli("screen", "evaluate", "--catalogue", GENERAL, "--answers", "-", stdin=json.dumps({"answers": {}}))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"] == "insufficient"


@pytest.mark.django_db
def test_the_decision_queue_shows_it_as_not_enough_information(org_a, member):
    responder = member(Role.FIRST_RESPONDER, org_a)
    api = api_client(responder)
    created = api.post("/api/v1/screenings", {"catalogue": GENERAL, "answers": {}}, format="json").json()
    assert api.post(f"/api/v1/screenings/{created['id']}/refer").status_code == 200
    home = signed_in_client(member(Role.DECISION_MAKER, org_a)).get("/").content.decode()
    assert "Not enough information to assess" in home
    assert "Not indicated" not in home


@pytest.mark.django_db
def test_stored_not_indicated_on_too_few_answers_is_relabelled_by_the_migration(org_a, member):
    responder = member(Role.FIRST_RESPONDER, org_a)
    empty = screening_start(acting=acting_of(responder), catalogue_id=GENERAL, reference="Old, empty")
    full = screening_start(acting=acting_of(responder), catalogue_id=GENERAL, reference="Old, full")
    questions = screening_catalogue(full).indicators
    # As the rules stored them before "insufficient" existed.
    for screening, answers in ((empty, {}), (full, dict.fromkeys(questions, "no"))):
        screening.responses = {"age": None, "answers": answers, "notes": {}, "palermo": {}}
        screening.outcome = "not_indicated"
        screening.result = {"outcome": "not_indicated"}
        screening.completed_at = timezone.now()
        screening.save()

    migration = importlib.import_module("palermo.identification.migrations.0005_relabel_nearly_empty_screenings")
    migration.relabel_nearly_empty(django_apps, None)

    empty.refresh_from_db()
    full.refresh_from_db()
    assert (empty.outcome, empty.result["outcome"]) == ("insufficient", "insufficient")
    assert empty.responses["answers"] == {}
    assert full.outcome == "not_indicated"
