"""A tip sent while no route takes it is held, the reporter is told so, and the first route that takes
it delivers it; `palermo check` warns while there is no fallback route."""

from __future__ import annotations

import io

import pytest
from django.core import checks
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from palermo.audit.models import AuditEntry
from palermo.organisations.models import Role
from palermo.reporting.models import Tip, TipRoute
from tests.conftest import signed_in_client, tip_reader
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_a_tip_nobody_can_read_yet_is_held_and_the_reporter_is_told(org_a):
    page = Client().post("/report/en/", {"description": "Workers locked in at night", "exploitation": "labour"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Your report is sent." not in text
    assert "Your report is saved, but no organisation receives reports here yet." in text
    assert 'data-testid="receipt"' in text
    api = APIClient().post("/api/v1/public/tips", {"description": "Same farm", "language": "en"}, format="json")
    assert api.status_code == 201
    assert api.json()["held"] is True
    assert list(Tip.objects.values_list("organisation", flat=True)) == [None, None]


def test_a_routed_tip_is_not_held(org_a):
    TipRoute.objects.create(exploitation="any", area="", organisation=org_a)
    page = Client().post("/report/en/", {"description": "Workers locked in at night"})
    assert "Thank you. Your report is sent." in page.content.decode()
    api = APIClient().post("/api/v1/public/tips", {"description": "Same farm", "language": "en"}, format="json")
    assert api.json()["held"] is False


def test_the_reporter_reads_that_nobody_has_their_tip_yet(org_a):
    tip_reader(org_a)
    sent = Client().post("/report/en/", {"description": "Workers locked in at night"})
    receipt = sent.context["receipt"]
    opened = Client().post("/report/en/follow-up/", {"receipt": receipt}).content.decode()
    assert "No organisation has received your report yet." in opened
    TipRoute.objects.create(exploitation="any", area="", organisation=org_a)
    call_command("tips", "route", "Alpha Shelter", "--exploitation", "any", stdout=io.StringIO())
    opened = Client().post("/report/en/follow-up/", {"receipt": receipt}).content.decode()
    assert "No organisation has received your report yet." not in opened


def test_the_first_route_that_takes_a_held_tip_delivers_it_and_the_recipient_sees_it(org_a, org_b, member):
    Client().post("/report/en/", {"description": "Farm", "exploitation": "labour"})
    Client().post("/report/en/", {"description": "Bar", "exploitation": "sexual"})
    labour, sexual = Tip.objects.get(exploitation="labour"), Tip.objects.get(exploitation="sexual")
    governor = signed_in_client(member(Role.DEPLOYMENT_COORDINATOR, OrganisationFactory(name="National Office")))
    tip_reader(org_a), tip_reader(org_b)

    governor.post("/tips/routes/", {"organisation": org_b.pk, "exploitation": "labour", "area": ""})
    labour.refresh_from_db()
    sexual.refresh_from_db()
    assert (labour.organisation, sexual.organisation) == (org_b, None)
    governor.post("/tips/routes/", {"organisation": org_a.pk, "exploitation": "any", "area": ""})
    sexual.refresh_from_db()
    assert sexual.organisation == org_a

    delivered = AuditEntry.objects.filter(action="tip.deliver_held").order_by("pk")
    assert list(delivered.values_list("organisation", "object_id")) == [
        (org_b.pk, str(labour.pk)),
        (org_a.pk, str(sexual.pk)),
    ]
    inbox = signed_in_client(member(Role.CASE_WORKER, org_a)).get("/tips/").content.decode()
    assert f"/tips/{sexual.pk}/" in inbox
    assert f"/tips/{labour.pk}/" not in inbox


def test_a_held_tip_waits_for_a_route_that_matches(org_a):
    tip_reader(org_a)
    Client().post("/report/en/", {"description": "Bar", "exploitation": "sexual"})
    call_command("tips", "route", "Alpha Shelter", "--exploitation", "labour", stdout=io.StringIO())
    assert Tip.objects.get().organisation is None
    call_command("tips", "route", "Alpha Shelter", "--exploitation", "sexual", stdout=io.StringIO())
    assert Tip.objects.get().organisation == org_a


def _route_warnings() -> list[tuple[str, str]]:
    return [(m.id, m.msg) for m in checks.run_checks() if m.id and m.id.startswith("palermo.W04")]


def test_palermo_check_warns_while_there_is_no_fallback_route(org_a):
    tip_reader(org_a)
    no_route = [("palermo.W040", "There is no fallback tip route: tips that match no route are held, unread.")]
    assert _route_warnings() == no_route
    TipRoute.objects.create(exploitation="labour", area="", organisation=org_a)
    assert _route_warnings() == no_route
    TipRoute.objects.create(exploitation="any", area="", organisation=org_a)
    assert _route_warnings() == []
    org_a.is_active = False
    org_a.save()
    assert _route_warnings() == [
        (
            "palermo.W040",
            "The fallback tip route goes to an inactive organisation: tips that match no route are held, unread.",
        )
    ]
