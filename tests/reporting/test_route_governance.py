"""Who governs where tips go: each organisation's coordinators route their own area's tips to their own
organisation; routes for anywhere (the fallback among them) and other organisations' routes belong to
the deployment coordinator (or the operator's command line), and every organisation a change concerns
sees it in its own audit trail."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from palermo.audit.models import AuditEntry
from palermo.organisations.models import Role
from palermo.reporting.models import TipRoute
from tests.conftest import api_client, nothing_changes, signed_in_client, tip_reader
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def national(db):
    return OrganisationFactory(name="National Office")


@pytest.fixture
def routed(org_b):
    """Beta Police takes the fallback and labour exploitation in Valmora."""
    fallback = TipRoute.objects.create(exploitation="any", area="", organisation=org_b)
    valmora = TipRoute.objects.create(exploitation="labour", area="Valmora", organisation=org_b)
    return fallback, valmora


def routes() -> list[tuple[str, str, str]]:
    return sorted(TipRoute.objects.values_list("exploitation", "area", "organisation__name"))


BEFORE = [("any", "", "Beta Police"), ("labour", "Valmora", "Beta Police")]

# What a coordinator of another organisation tries: each would let them read tips meant for someone else.
SEIZURES = [
    {"organisation": "A", "exploitation": "any", "area": ""},  # take the fallback
    {"organisation": "A", "exploitation": "labour", "area": "Valmora"},  # replace Beta's route
    {"organisation": "A", "exploitation": "sexual", "area": ""},  # a form from the whole deployment
    {"organisation": "B", "exploitation": "sexual", "area": "Ostrava"},  # decide for another organisation
]


def _data(org_a, org_b, seizure):
    return {**seizure, "organisation": (org_a if seizure["organisation"] == "A" else org_b).pk}


def test_another_organisations_coordinator_cannot_seize_routes_on_any_channel(org_a, org_b, member, routed):
    _, valmora = routed
    coordinator = member(Role.COORDINATOR, org_a)
    page, api = signed_in_client(coordinator), api_client(coordinator)
    with nothing_changes():
        for seizure in SEIZURES:
            data = _data(org_a, org_b, seizure)
            assert page.post("/tips/routes/", data).status_code == 403, seizure
            assert api.post("/api/v1/tip-routes", data, format="json").status_code == 403, seizure
        assert page.post(f"/tips/routes/{valmora.pk}/remove/").status_code == 403
        assert api.delete(f"/api/v1/tip-routes/{valmora.pk}").status_code == 403
    assert routes() == BEFORE
    assert not AuditEntry.objects.filter(action__startswith="tip_route.").exists()


def test_the_refusal_says_who_decides(org_a, org_b, member, routed):
    page = signed_in_client(member(Role.COORDINATOR, org_a))
    with nothing_changes():
        response = page.post("/tips/routes/", {"organisation": org_a.pk, "exploitation": "any", "area": ""})
    assert response.status_code == 403
    assert response.context["form"].errors["organisation"] == [
        "You can route the tips of a named area to your own organisation only. Routes for anywhere, "
        "and routes of other organisations, are set by the deployment coordinator."
    ]
    assert routes() == BEFORE


def test_anonymous_and_members_without_the_role_change_nothing(org_a, org_b, member, routed):
    _, valmora = routed
    data = {"organisation": org_a.pk, "exploitation": "any", "area": ""}
    with nothing_changes():
        assert Client().post("/tips/routes/", data).status_code == 302
        assert APIClient().post("/api/v1/tip-routes", data, format="json").status_code == 401
        assert APIClient().delete(f"/api/v1/tip-routes/{valmora.pk}").status_code == 401
    for role in (Role.CASE_WORKER, Role.ORG_ADMIN, Role.ANALYST):
        membership = member(role, org_b)
        page, api = signed_in_client(membership), api_client(membership)
        with nothing_changes():
            assert page.post("/tips/routes/", data).status_code == 403
            assert page.post(f"/tips/routes/{valmora.pk}/remove/").status_code == 403
            assert api.post("/api/v1/tip-routes", data, format="json").status_code == 403
    assert routes() == BEFORE


def test_a_coordinator_routes_their_own_areas_tips_to_their_own_organisation(org_a, org_b, member, routed):
    tip_reader(org_a)
    coordinator = signed_in_client(member(Role.COORDINATOR, org_a))
    data = {"organisation": org_a.pk, "exploitation": "any", "area": "Ostrava"}
    assert coordinator.post("/tips/routes/", data).status_code == 302
    assert coordinator.post("/tips/routes/", {**data, "exploitation": "sexual"}).status_code == 302
    mine = TipRoute.objects.get(exploitation="sexual", area="Ostrava")
    assert coordinator.post(f"/tips/routes/{mine.pk}/remove/").status_code == 302
    assert routes() == [("any", "", "Beta Police"), ("any", "Ostrava", "Alpha Shelter"), *BEFORE[1:]]
    # Their own organisation's changes stay in their own trail: nobody else is concerned.
    assert list(AuditEntry.objects.filter(action__startswith="tip_route.").values_list("action", "organisation")) == [
        ("tip_route.set", org_a.pk),
        ("tip_route.set", org_a.pk),
        ("tip_route.remove", org_a.pk),
    ]


def test_the_deployment_coordinator_moves_the_fallback_and_both_organisations_see_it(
    org_a, org_b, member, routed, national
):
    _, valmora = routed
    tip_reader(org_a)
    governor = signed_in_client(member(Role.DEPLOYMENT_COORDINATOR, national))
    moved = governor.post("/tips/routes/", {"organisation": org_a.pk, "exploitation": "any", "area": ""}, follow=True)
    assert "Tips now go to Alpha Shelter by this route." in moved.content.decode()
    assert governor.post(f"/tips/routes/{valmora.pk}/remove/").status_code == 302
    assert routes() == [("any", "", "Alpha Shelter")]
    trail = list(
        AuditEntry.objects.filter(action__startswith="tip_route.")
        .order_by("pk")
        .values_list("action", "organisation__name", "detail")
    )
    set_detail = {"exploitation": "any", "area": "", "organisation": org_a.pk, "replaced": True}
    set_detail |= {"replaced_organisation": org_b.pk}
    remove_detail = {"exploitation": "labour", "area": "Valmora", "organisation": org_b.pk}
    assert trail == [
        ("tip_route.set", "National Office", set_detail),
        ("tip_route.set", "Alpha Shelter", set_detail),
        ("tip_route.set", "Beta Police", set_detail),
        ("tip_route.remove", "National Office", remove_detail),
        ("tip_route.remove", "Beta Police", remove_detail),
    ]
    # The organisation that lost the fallback reads it on its own audit trail page.
    trail_page = signed_in_client(member(Role.ORG_ADMIN, org_b)).get("/audit/?action=tip_route").content.decode()
    assert trail_page.count("Routed tips to an organisation") == 1
    assert trail_page.count("Removed a tip route") == 1


def test_only_the_operator_grants_the_deployment_coordinator_role(org_a, member):
    admin = signed_in_client(member(Role.ORG_ADMIN, org_a))
    with nothing_changes():
        invited = admin.post(
            "/organisations/members/", {"email": "national@example.test", "role": "deployment_coordinator"}
        )
    assert invited.status_code == 400
    assert invited.context["form"].errors["role"] == [
        "Select a valid choice. deployment_coordinator is not one of the available choices."
    ]
    assert not AuditEntry.objects.filter(action="membership.add").exists()
    out = io.StringIO()
    call_command(
        "add_user", "national@example.test", "--organisation", "Alpha Shelter", "--role", "deployment_coordinator",
        "--no-password", stdout=out,
    )  # fmt: skip
    assert out.getvalue() == "national@example.test is Deployment coordinator at Alpha Shelter.\n"


def test_the_command_line_routes_as_the_operator_and_audits_for_the_recipient(org_a, org_b, routed):
    tip_reader(org_a)
    call_command("tips", "route", "Alpha Shelter", "--exploitation", "any", stdout=io.StringIO())
    assert routes() == [("any", "", "Alpha Shelter"), *BEFORE[1:]]
    assert sorted(
        AuditEntry.objects.filter(action="tip_route.set").values_list("chain", "organisation__name", "channel")
    ) == [
        (f"org:{org_a.pk}", "Alpha Shelter", "cli"),
        (f"org:{org_b.pk}", "Beta Police", "cli"),
        ("system", None, "cli"),
    ]


def test_the_deployment_coordinator_has_a_home_page_with_the_routes(member, national):
    home = signed_in_client(member(Role.DEPLOYMENT_COORDINATOR, national)).get("/")
    assert home.status_code == 200
    assert 'href="/tips/routes/"' in home.content.decode()
