"""Anonymous reporting: the reporter stays unknown, gets a receipt, and can talk to the recipients."""

from __future__ import annotations

import json
import logging

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from palermo.audit.models import AuditEntry
from palermo.organisations.models import Role
from palermo.reporting.models import Tip, TipMessage, TipRoute
from tests.conftest import nothing_changes, signed_in_client, tip_reader

ADDRESS, AGENT = "198.51.100.234", "ReporterPhone/7.3 (unique-agent-string)"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def routed(org_a, member):
    TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=org_a)
    return member(Role.CASE_WORKER, org_a)


def _public(**extra):  # type: ignore[no-untyped-def]
    return Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT, **extra)


def _everything_stored() -> str:
    rows = []
    for model in apps.get_models():
        rows.extend(str(row) for row in model._default_manager.values())
    return "\n".join(rows)


@pytest.mark.django_db
def test_no_address_or_user_agent_is_kept_anywhere(routed, caplog):
    caplog.set_level(logging.DEBUG)
    form = _public().post(
        "/report/fr/", {"description": "Des travailleurs dorment dans l'entrepôt.", "location": "Rue du Port 4"}
    )
    assert form.status_code == 200
    assert "Set-Cookie" not in form.headers
    api = APIClient(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
    receipt = api.post(
        "/api/v1/public/tips", {"description": "Girls brought nightly", "language": "en"}, format="json"
    ).json()["receipt"]
    api.post("/api/v1/public/tips/follow-up", {"receipt": receipt, "message": "They left at 3am"}, format="json")
    api.post("/api/v1/public/tips/messages", {"receipt": receipt}, format="json")
    _public().post("/report/en/follow-up/", {"receipt": "WRONG-CODE"})
    stored = _everything_stored()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for trace in (ADDRESS, AGENT, "unique-agent-string"):
        assert trace not in stored
        assert trace not in logged
    assert Tip.objects.count() == 2
    # The content is encrypted at rest, and only the hour of arrival is kept.
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM reporting_tip")
        raw = " ".join(row[0] for row in cursor.fetchall())
    assert "entrepôt" not in raw
    assert "Girls brought" not in raw
    assert {t.received_at.minute for t in Tip.objects.all()} == {0}


@pytest.mark.django_db
def test_a_reporter_in_french_gets_a_receipt_and_reads_the_reply(routed):
    reporter = _public()
    sent = reporter.post(
        "/report/fr/", {"description": "Ils travaillent la nuit sans salaire.", "exploitation": "labour"}
    )
    assert '<html lang="fr">' in sent.content.decode()
    receipt = sent.context["receipt"]
    assert len(receipt.replace("-", "")) == 32
    tip = Tip.objects.get()
    assert (tip.language, tip.exploitation, tip.organisation) == ("fr", "labour", routed.organisation)
    assert receipt not in _everything_stored()

    inbox = signed_in_client(routed)
    assert "Ils travaillent la nuit" in inbox.get(f"/tips/{tip.pk}/").content.decode()
    inbox.post(f"/tips/{tip.pk}/", {"body": "Merci. Pouvez-vous préciser l'adresse ?"})
    conversation = reporter.post("/report/fr/follow-up/", {"receipt": receipt.lower(), "message": "Rue du Port 4."})
    page = conversation.content.decode()
    assert "Pouvez-vous préciser" in page
    assert "Rue du Port 4." in page
    assert [m.from_reporter for m in TipMessage.objects.order_by("id")] == [False, True]
    assert AuditEntry.objects.filter(action="tip.view", organisation=routed.organisation).exists()


@pytest.mark.django_db
def test_the_public_api_round_trip(routed):
    api = APIClient()
    created = api.post("/api/v1/public/tips", {"description": "Seen at the car wash", "language": "en"}, format="json")
    assert created.status_code == 201
    receipt = created.json()["receipt"]
    assert (
        api.post("/api/v1/public/tips/follow-up", {"receipt": receipt, "message": "More"}, format="json").status_code
        == 201
    )
    conversation = api.post("/api/v1/public/tips/messages", {"receipt": receipt}, format="json").json()
    assert conversation == {"status": "new", "held": False, "messages": [{"from": "you", "body": "More"}]}
    with nothing_changes():
        wrong = api.post("/api/v1/public/tips/messages", {"receipt": "AAAA-BBBB"}, format="json")
    assert wrong.status_code == 404
    assert wrong.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": "x" * 10001, "language": "en"}, "description"),
        ({"description": "", "language": "en"}, "description"),
        ({"description": "ok\x00\x01\x02binary", "language": "en"}, "description"),
        ({"description": ["not", "text"], "language": "en"}, "description"),
        ({"description": "ok", "language": "klingon"}, "language"),
        ({"description": "ok", "language": "en", "exploitation": "aliens"}, "exploitation"),
        ({"description": "ok", "language": "en", "contact": "c" * 501}, "contact"),
    ],
)
def test_bad_api_input_is_a_clean_400_and_stores_nothing(body, field):
    with nothing_changes():
        response = APIClient().post("/api/v1/public/tips", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Tip.objects.count() == 0


@pytest.mark.django_db
def test_markup_is_shown_as_text_never_run(routed):
    script = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    _public().post("/report/en/", {"description": script})
    page = signed_in_client(routed).get(f"/tips/{Tip.objects.get().pk}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


@pytest.mark.django_db
def test_a_flood_is_slowed_without_losing_what_was_written(routed):
    client = _public()
    for n in range(10):
        assert client.post("/report/en/", {"description": f"report {n}"}).status_code == 200
    with nothing_changes():
        busy = client.post("/report/en/", {"description": "the eleventh, kept in the form"})
        api = APIClient(REMOTE_ADDR=ADDRESS).post(
            "/api/v1/public/tips", {"description": "x", "language": "en"}, format="json"
        )
    assert busy.status_code == 429
    assert "the eleventh, kept in the form" in busy.content.decode()
    assert "wait a few minutes" in busy.content.decode()
    assert api.status_code == 429
    # Someone else, elsewhere, is not slowed.
    assert Client(REMOTE_ADDR="192.0.2.10").post("/report/en/", {"description": "other"}).status_code == 200


@pytest.mark.django_db
def test_wrong_receipts_are_throttled(routed):
    api = APIClient(REMOTE_ADDR=ADDRESS)
    with nothing_changes():
        for _ in range(10):
            assert api.post("/api/v1/public/tips/messages", {"receipt": "NOPE"}, format="json").status_code == 404
        assert api.post("/api/v1/public/tips/messages", {"receipt": "NOPE"}, format="json").status_code == 429


@pytest.mark.django_db
def test_only_the_receiving_organisation_sees_a_tip(routed, org_b, member):
    _public().post("/report/en/", {"description": "Only for Alpha"})
    tip = Tip.objects.get()
    outsider = signed_in_client(member(Role.CASE_WORKER, org_b))
    with nothing_changes():  # not even an audited read
        assert outsider.get(f"/tips/{tip.pk}/").status_code == 404
    assert "Only for Alpha" not in outsider.get("/tips/").content.decode()
    for role in (Role.FIRST_RESPONDER, Role.ANALYST, Role.COORDINATOR):
        client = signed_in_client(member(role, routed.organisation))
        with nothing_changes():
            assert client.get(f"/tips/{tip.pk}/").status_code == 403


@pytest.mark.django_db
def test_triage_sets_status_and_priority(routed):
    _public().post("/report/en/", {"description": "Urgent thing"})
    tip = Tip.objects.get()
    signed_in_client(routed).post(f"/tips/{tip.pk}/", {"status": "triaged", "priority": "urgent"})
    tip.refresh_from_db()
    assert (tip.status, tip.priority) == ("triaged", "urgent")
    assert json.dumps(list(AuditEntry.objects.filter(action="tip.triage").values_list("detail", flat=True)))


@pytest.mark.django_db
def test_every_public_page_offers_the_quick_exit(client):
    for path in ("/report/", "/report/fr/", "/report/en/follow-up/"):
        page = client.get(path).content.decode()
        assert 'id="quick-exit"' in page
        assert "quick-exit.js" in page


@pytest.mark.django_db
def test_routes_are_set_from_the_command_line(org_a, capsys):
    tip_reader(org_a)
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("tips", "route", "Alpha Shelter", "--exploitation", "labour")
    call_command("tips", "route", "Alpha Shelter", "--exploitation", "labour")
    assert TipRoute.objects.filter(exploitation="labour", organisation=org_a).count() == 1
    with pytest.raises(CommandError) as raised:
        call_command("tips", "route", "Nowhere", "--exploitation", "any")
    assert raised.value.returncode == 2
    _public().post("/report/en/", {"description": "Farm workers", "exploitation": "labour"})
    assert Tip.objects.get().organisation == org_a


@pytest.mark.django_db
def test_a_wrong_public_address_sets_no_cookie_either(settings):
    settings.DEBUG = False
    response = _public().get("/report/xx/")
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers
    assert 'id="quick-exit"' in response.content.decode()
