"""A tip route only points where someone may triage tips: page, API and command line refuse otherwise and
say why; when the last one who may leaves or loses the role, the coordinator's routes page, the
organisation admin's home and `palermo check` say so, and the tips still arrive and wait for a reader."""

from __future__ import annotations

import io

import pytest
from django.core import checks
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from palermo.audit.models import AuditEntry
from palermo.organisations.models import Role
from palermo.reporting.models import Tip, TipRoute
from tests.conftest import api_client, signed_in_client, tip_reader
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NOBODY = (
    "Nobody in Beta Police may triage tips, so tips routed there would wait unread. Ask its admin to give "
    "someone the role that triages tips (Case worker), or choose another organisation."
)


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def governor(member):  # type: ignore[no-untyped-def]
    return member(Role.DEPLOYMENT_COORDINATOR, OrganisationFactory(name="National Office"))


def test_the_routes_page_refuses_an_organisation_where_nobody_triages_and_says_why(org_b, member, governor):
    member(Role.DECISION_MAKER, org_b)  # a member, but not one who may triage tips
    page = signed_in_client(governor).post("/tips/routes/", {"organisation": org_b.pk, "exploitation": "any"})
    assert page.status_code == 400
    assert NOBODY in " ".join(page.context["form"].errors["organisation"])
    assert TipRoute.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="tip_route.").exists()


def test_the_api_refuses_it_with_the_reason_and_changes_nothing(org_a, org_b, governor):
    tip_reader(org_a)
    api = api_client(governor)
    created = api.post("/api/v1/tip-routes", {"organisation": org_a.pk, "exploitation": "any"}, format="json")
    assert created.status_code == 201
    # Replacing a route that works with one that reaches nobody is refused too, and the old one stays.
    refused = api.post("/api/v1/tip-routes", {"organisation": org_b.pk, "exploitation": "any"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"organisation": [NOBODY]}
    assert list(TipRoute.objects.values_list("organisation", flat=True)) == [org_a.pk]


def test_the_command_line_refuses_it_with_the_reason(org_b):
    with pytest.raises(CommandError) as refused:
        call_command("tips", "route", "Beta Police", "--exploitation", "labour", stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert str(refused.value) == NOBODY
    assert TipRoute.objects.count() == 0


def test_an_inactive_reader_does_not_count(org_b, member):
    reader = tip_reader(org_b)
    reader.user.is_active = False
    reader.user.save()
    with pytest.raises(CommandError, match="Nobody in Beta Police may triage tips"):
        call_command("tips", "route", "Beta Police", "--exploitation", "labour", stdout=io.StringIO())


def _unread_warnings() -> list[str]:
    return [str(m.msg) for m in checks.run_checks() if m.id == "palermo.W041"]


@pytest.mark.parametrize("how", ["deactivated", "role_changed", "user_disabled"])
def test_when_the_last_reader_goes_everyone_who_can_fix_it_is_told_and_tips_still_arrive(org_b, member, governor, how):
    reader = tip_reader(org_b)
    call_command("tips", "route", "Beta Police", "--exploitation", "any", stdout=io.StringIO())
    admin = member(Role.ORG_ADMIN, org_b)
    assert _unread_warnings() == []
    assert 'data-testid="tips-unread"' not in signed_in_client(admin).get("/").content.decode()
    assert 'data-testid="unread-routes"' not in signed_in_client(governor).get("/tips/routes/").content.decode()

    if how == "deactivated":  # through the members page, as an admin does it
        assert signed_in_client(admin).post(f"/organisations/members/{reader.pk}/deactivate/").status_code == 302
    elif how == "role_changed":
        reader.role = Role.COORDINATOR
        reader.save()
    else:
        reader.user.is_active = False
        reader.user.save()

    assert _unread_warnings() == [
        "Tips about any in any area go to Beta Police, where nobody may triage tips: they wait unread."
    ]
    home = signed_in_client(admin).get("/").content.decode()
    assert "Tips from the public are routed to your organisation, but nobody here may triage them now" in home
    routes = signed_in_client(governor).get("/tips/routes/").content.decode()
    assert "1 route sends tips to an organisation where nobody may triage them" in routes
    assert "Nobody there may triage tips: they wait unread." in routes

    # Not dropped: the tip arrives and waits in Beta Police's inbox for the next one who may triage.
    Client().post("/report/en/", {"description": "Workers locked in at night"})
    tip = Tip.objects.get()
    assert tip.organisation == org_b
    inbox = signed_in_client(tip_reader(org_b)).get("/tips/").content.decode()
    assert f"/tips/{tip.pk}/" in inbox
    assert _unread_warnings() == []
