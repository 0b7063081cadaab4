"""Screenings: a guided walk through the topics, saved and resumable, scoped and audited like people."""

from __future__ import annotations

import pytest
from django.db import connection

from palermo.audit.models import AuditEntry
from palermo.identification.models import Screening
from palermo.identification.services import screening_start
from palermo.organisations.models import Role
from palermo.people.services import person_create
from tests.conftest import ALL_ROLES, acting_of, nothing_changes, signed_in_client

LABOUR = "ilo-2009-adult-labour"


@pytest.fixture
def responder(org_a, member):
    return member(Role.FIRST_RESPONDER, org_a)


def _walk(client, screening_id: int, answers_by_step: dict[int, dict[str, str]], steps: int = 6) -> None:  # type: ignore[no-untyped-def]
    for step in range(1, steps + 1):
        response = client.post(
            f"/screenings/{screening_id}/topic/{step}/", {**answers_by_step.get(step, {}), "next": "1"}
        )
        assert response.status_code == 302, response.content.decode()[:500]


@pytest.mark.django_db
def test_a_first_responder_screens_without_a_name_and_gets_the_explained_result(responder):
    client = signed_in_client(responder)
    started = client.post("/screenings/new/", {"catalogue": LABOUR, "reference": "Car wash, Tuesday", "age": "34"})
    screening = Screening.objects.get()
    assert started.headers["Location"] == f"/screenings/{screening.pk}/topic/1/"
    topic = client.get(started.headers["Location"])
    assert "Topic 1 of 7" in topic.content.decode()
    # Indicator order within each topic follows the catalogue: answer_0 is the first indicator.
    _walk(
        client,
        screening.pk,
        {
            1: {
                "answer_0": "yes",
                "answer_1": "yes",
                "note_0": "Promised a hotel job",
            },  # dr.nature_of_job S, dr.wages M
            4: {"answer_0": "yes", "answer_1": "yes"},  # ec.excessive_hours S, ec.low_or_no_salary M
            5: {"answer_0": "yes", "answer_4": "yes", "answer_1": "unknown"},  # cd.documents S, cd.threats M
        },
    )
    done = client.post(
        f"/screenings/{screening.pk}/elements/",
        {"act": ["recruitment"], "means": ["deception"], "purpose": ["forced_labour_or_services"], "finish": "1"},
    )
    assert done.headers["Location"] == f"/screenings/{screening.pk}/"
    page = client.get(done.headers["Location"]).content.decode()
    assert "Trafficking indicated" in page
    assert "Promised a hotel job" in page
    assert "Refer for an identification decision" in page
    screening.refresh_from_db()
    assert screening.outcome == "indicated"
    assert screening.result["unknown"] == ["cd.debt_bondage"]
    assert screening.responses["notes"] == {"dr.nature_of_job": "Promised a hotel job"}
    # Stored encrypted: neither the reference nor a note is readable in the table.
    with connection.cursor() as cursor:
        cursor.execute("SELECT reference, responses, result FROM identification_screening")
        row = " ".join(cursor.fetchone())
    assert "Car wash" not in row
    assert "hotel" not in row
    assert "dr.nature_of_job" not in row


@pytest.mark.django_db
def test_a_screening_can_be_paused_and_resumed(responder):
    client = signed_in_client(responder)
    client.post("/screenings/new/", {"catalogue": LABOUR})
    screening = Screening.objects.get()
    client.post(f"/screenings/{screening.pk}/topic/1/", {"answer_0": "yes", "next": "1"})
    paused = client.post(f"/screenings/{screening.pk}/topic/2/", {"answer_2": "no", "pause": "1"})
    assert paused.headers["Location"] == "/screenings/"
    resume = client.get(f"/screenings/{screening.pk}/").content.decode()
    # Paused on topic 2: that is where it goes on.
    assert f"/screenings/{screening.pk}/topic/2/" in resume
    back = client.get(f"/screenings/{screening.pk}/topic/1/")
    assert back.context["form"]["answer_0"].value() == "yes"


@pytest.mark.django_db
def test_bad_answers_are_refused_on_the_page(responder):
    client = signed_in_client(responder)
    client.post("/screenings/new/", {"catalogue": LABOUR})
    screening = Screening.objects.get()
    with nothing_changes(reads_audited=True):
        response = client.post(f"/screenings/{screening.pk}/topic/1/", {"answer_0": "perhaps", "next": "1"})
        missing = client.get(f"/screenings/{screening.pk}/topic/9/")
        bad_start = client.post("/screenings/new/", {"catalogue": "nope", "age": "-3"})
    assert response.status_code == 400
    assert missing.status_code == 404
    assert bad_start.status_code == 400
    assert set(bad_start.context["form"].errors) == {"catalogue", "age"}


@pytest.mark.django_db
def test_a_checklist_screening_is_possible_at_most(responder):
    client = signed_in_client(responder)
    client.post("/screenings/new/", {"catalogue": "municipal-labour"})
    screening = Screening.objects.get()
    client.post(f"/screenings/{screening.pk}/topic/1/", {"answer_0": "yes", "next": "1"})
    client.post(f"/screenings/{screening.pk}/elements/", {"finish": "1"})
    screening.refresh_from_db()
    assert screening.outcome == "possible"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_screenings_are_scoped_like_people(org_a, org_b, member, responder, role):
    screening = screening_start(acting=acting_of(responder), catalogue_id=LABOUR, reference="Secret place")
    colleague, outsider = member(role, org_a), member(role, org_b)
    sees = role in (Role.CASE_WORKER, Role.DECISION_MAKER)
    response = signed_in_client(colleague).get(f"/screenings/{screening.pk}/")
    assert response.status_code == (200 if sees else 404)
    outsider_client = signed_in_client(outsider)
    with nothing_changes():
        assert outsider_client.get(f"/screenings/{screening.pk}/").status_code == 404
        assert outsider_client.get(f"/screenings/{screening.pk}/topic/1/").status_code in (403, 404)
        assert outsider_client.post(f"/screenings/{screening.pk}/topic/1/", {"answer_0": "yes"}).status_code in (
            403,
            404,
        )
    listing = signed_in_client(outsider).get("/screenings/")
    assert "Secret place" not in listing.content.decode()


@pytest.mark.django_db
def test_refer_and_attach_to_a_person_are_audited(responder):
    client = signed_in_client(responder)
    client.post("/screenings/new/", {"catalogue": "municipal-general"})
    screening = Screening.objects.get()
    client.post(f"/screenings/{screening.pk}/topic/1/", {"answer_0": "yes", "next": "1"})
    client.post(f"/screenings/{screening.pk}/elements/", {"finish": "1"})
    person = person_create(acting=acting_of(responder), given_names="Lin", family_name="Sample")
    client.post(f"/screenings/{screening.pk}/refer/")
    client.post(f"/screenings/{screening.pk}/person/", {"person": person.pk})
    screening.refresh_from_db()
    assert screening.submitted_for_decision_at is not None
    assert screening.person == person
    actions = list(AuditEntry.objects.filter(object_type="identification.screening").values_list("action", flat=True))
    for action in (
        "screening.start",
        "screening.answer",
        "screening.complete",
        "screening.refer",
        "screening.attach",
        "screening.view",
    ):
        assert action in actions


@pytest.mark.django_db
def test_a_completed_screening_cannot_be_changed(responder):
    client = signed_in_client(responder)
    client.post("/screenings/new/", {"catalogue": "municipal-general"})
    screening = Screening.objects.get()
    client.post(f"/screenings/{screening.pk}/elements/", {"finish": "1"})
    again = client.post(f"/screenings/{screening.pk}/topic/1/", {"answer_0": "yes", "next": "1"})
    assert again.headers["Location"] == f"/screenings/{screening.pk}/"
    screening.refresh_from_db()
    assert screening.responses["answers"] == {}


@pytest.mark.django_db
def test_the_result_is_explained_in_the_readers_language(org_a, member, responder):
    client = signed_in_client(responder)
    client.post("/screenings/new/", {"catalogue": "municipal-general"})
    screening = Screening.objects.get()
    client.post(f"/screenings/{screening.pk}/topic/1/", {"answer_0": "yes", "next": "1"})
    client.post(f"/screenings/{screening.pk}/elements/", {"finish": "1"})
    reader = signed_in_client(member(Role.CASE_WORKER, org_a))
    reader.cookies["palermo_language"] = "fr"
    page = reader.get(f"/screenings/{screening.pk}/").content.decode()
    assert "La traite est possible" in page
    assert "Trafficking is possible" not in page


@pytest.mark.django_db
def test_every_list_that_shows_references_or_names_is_audited(org_a, member, responder):
    from palermo.identification.services import screening_submit_for_decision

    client = signed_in_client(responder)
    person = person_create(acting=acting_of(responder), given_names="Lin", family_name="Sample")
    client.post("/screenings/new/", {"catalogue": "municipal-general", "reference": "Bus stop"})
    screening = Screening.objects.get()
    client.post(f"/screenings/{screening.pk}/elements/", {"finish": "1"})
    screening_submit_for_decision(acting=acting_of(responder), screening=Screening.objects.get())
    before = AuditEntry.objects.count()

    client.get("/screenings/")
    listed = AuditEntry.objects.filter(action="screening.list").order_by("-sequence").first()
    assert listed.detail == {"ids": [screening.pk]}
    # The result page lists the responder's people to attach the screening to: a read of their names.
    client.get(f"/screenings/{screening.pk}/")
    assert AuditEntry.objects.filter(action="person.list", detail={"ids": [person.pk]}).exists()
    # The decision maker's queue shows the reference too.
    signed_in_client(member(Role.DECISION_MAKER, org_a)).get("/")
    assert AuditEntry.objects.filter(action="screening.list", actor__memberships__role=Role.DECISION_MAKER).exists()
    assert AuditEntry.objects.count() > before


@pytest.mark.django_db
def test_attaching_someone_out_of_scope_is_refused(org_a, org_b, member, responder):
    client = signed_in_client(responder)
    client.post("/screenings/new/", {"catalogue": "municipal-general"})
    screening = Screening.objects.get()
    stranger = person_create(acting=acting_of(member(Role.CASE_WORKER, org_b)), given_names="Other")
    with nothing_changes(reads_audited=True):  # the responder's own screening is read, and that is audited
        assert client.post(f"/screenings/{screening.pk}/person/", {"person": stranger.pk}).status_code == 404
    assert client.post(f"/screenings/{screening.pk}/person/", {"person": "abc"}).status_code == 302
    screening.refresh_from_db()
    assert screening.person is None


NOBODY_DECIDES = "Nobody in Alpha Shelter takes identification decisions yet"


@pytest.mark.django_db
def test_a_referral_that_nobody_would_read_is_said_so(org_a, member, responder):
    """A labour inspectorate with no decision maker: the referral would wait for nobody, and the page says so."""
    client = signed_in_client(responder)
    client.post("/screenings/new/", {"catalogue": "municipal-general"})
    screening = Screening.objects.get()
    client.post(f"/screenings/{screening.pk}/topic/1/", {"answer_0": "yes", "next": "1"})
    client.post(f"/screenings/{screening.pk}/elements/", {"finish": "1"})
    assert NOBODY_DECIDES in client.get(f"/screenings/{screening.pk}/").content.decode()

    referred = client.post(f"/screenings/{screening.pk}/refer/", follow=True).content.decode()
    assert NOBODY_DECIDES in referred
    assert "Referred for an identification decision." not in referred

    member(Role.DECISION_MAKER, org_a)
    assert NOBODY_DECIDES not in client.get(f"/screenings/{screening.pk}/").content.decode()
