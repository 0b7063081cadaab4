"""Routing by form of exploitation and area, set by coordinators in the web app and the API."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from palermo.audit.models import AuditEntry
from palermo.organisations.models import Role
from palermo.reporting.models import Tip, TipRoute
from palermo.reporting.services import tip_recipient
from tests.conftest import api_client, nothing_changes, signed_in_client, tip_reader
from tests.factories import OrganisationFactory


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def network(db):
    names = ("Hotline", "Inspectorate", "Valmora NGO", "Valmora Inspectors")
    orgs = {name: OrganisationFactory(name=name) for name in names}
    TipRoute.objects.create(exploitation="any", area="", organisation=orgs["Hotline"])
    TipRoute.objects.create(exploitation="labour", area="", organisation=orgs["Inspectorate"])
    TipRoute.objects.create(exploitation="any", area="Valmora", organisation=orgs["Valmora NGO"])
    TipRoute.objects.create(exploitation="labour", area="Valmora", organisation=orgs["Valmora Inspectors"])
    return orgs


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("exploitation", "area", "recipient"),
    [
        ("labour", "Valmora", "Valmora Inspectors"),
        ("labour", "Ostrava", "Inspectorate"),
        ("labour", "", "Inspectorate"),
        ("sexual", "Valmora", "Valmora NGO"),
        ("sexual", "", "Hotline"),
        ("unknown", "Ostrava", "Hotline"),
    ],
)
def test_the_most_specific_route_wins_and_the_fallback_takes_the_rest(network, exploitation, area, recipient):
    assert tip_recipient(exploitation, area) == network[recipient]


@pytest.mark.django_db
def test_an_inactive_organisation_is_skipped_for_the_next_route(network):
    network["Valmora Inspectors"].is_active = False
    network["Valmora Inspectors"].save()
    assert tip_recipient("labour", "Valmora") == network["Inspectorate"]


@pytest.mark.django_db
def test_the_reporter_chooses_an_area_from_the_list_and_the_tip_follows_it(network):
    form = Client().get("/report/en/").content.decode()
    assert '<option value="Valmora">Valmora</option>' in form
    Client().post("/report/en/", {"description": "Farm", "exploitation": "labour", "area": "Valmora"})
    tip = Tip.objects.get()
    assert (tip.area, tip.organisation) == ("Valmora", network["Valmora Inspectors"])
    with nothing_changes():
        made_up = APIClient().post(
            "/api/v1/public/tips", {"description": "x", "language": "en", "area": "Atlantis"}, format="json"
        )
    assert made_up.status_code == 400
    assert made_up.json()["error"]["fields"]["area"] == ["Choose one of the areas in the list, or leave it empty."]
    assert Tip.objects.count() == 1


@pytest.mark.django_db
def test_without_areas_the_form_asks_none(org_a):
    TipRoute.objects.create(exploitation="any", organisation=org_a)
    assert 'name="area"' not in Client().get("/report/en/").content.decode()


@pytest.mark.django_db
def test_only_coordinators_open_the_routes_page(org_a, member):
    assert Client().get("/tips/routes/").status_code == 302
    for role in (Role.CASE_WORKER, Role.ORG_ADMIN, Role.ANALYST, Role.FIRST_RESPONDER):
        client = signed_in_client(member(role, org_a))
        with nothing_changes():
            assert client.get("/tips/routes/").status_code == 403
            assert (
                client.post("/tips/routes/", {"organisation": org_a.pk, "exploitation": "any", "area": ""}).status_code
                == 403
            )
    assert TipRoute.objects.count() == 0
    assert signed_in_client(member(Role.COORDINATOR, org_a)).get("/tips/routes/").status_code == 200


@pytest.mark.django_db
def test_the_deployment_coordinator_adds_replaces_and_removes_routes(org_a, org_b, member):
    # Routes for anywhere and routes to other organisations are the deployment coordinator's
    # (tests/reporting/test_route_governance.py has what an organisation's coordinator may do).
    coordinator = signed_in_client(member(Role.DEPLOYMENT_COORDINATOR, org_a))
    tip_reader(org_a), tip_reader(org_b)
    empty = coordinator.get("/tips/routes/").content.decode()
    assert "tips that match no route reach nobody" in empty
    coordinator.post("/tips/routes/", {"organisation": org_a.pk, "exploitation": "any", "area": ""})
    added = coordinator.post(
        "/tips/routes/", {"organisation": org_b.pk, "exploitation": "labour", "area": "  Valmora   Nord "}, follow=True
    )
    assert "Tips now go to Beta Police by this route." in added.content.decode()
    route = TipRoute.objects.get(exploitation="labour")
    assert (route.area, route.organisation) == ("Valmora Nord", org_b)
    coordinator.post("/tips/routes/", {"organisation": org_a.pk, "exploitation": "labour", "area": "Valmora Nord"})
    assert TipRoute.objects.get(exploitation="labour").organisation == org_a
    assert TipRoute.objects.count() == 2

    fallback = TipRoute.objects.get(exploitation="any")
    refused = coordinator.post(f"/tips/routes/{fallback.pk}/remove/", follow=True).content.decode()
    assert "cannot be removed" in refused
    coordinator.post(f"/tips/routes/{route.pk}/remove/")
    assert list(TipRoute.objects.values_list("exploitation", flat=True)) == ["any"]
    own_trail = AuditEntry.objects.filter(action__startswith="tip_route.", organisation=org_a)
    assert list(own_trail.values_list("action", flat=True)) == [
        "tip_route.set",
        "tip_route.set",
        "tip_route.set",
        "tip_route.remove",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"exploitation": "any", "area": ""}, "organisation", "This field is required."),
        ({"organisation": "999", "exploitation": "any"}, "organisation", "Select a valid choice."),
        ({"organisation": "ORG", "exploitation": "aliens"}, "exploitation", "Select a valid choice."),
        ({"organisation": "ORG", "exploitation": "any", "area": "x" * 121}, "area", "at most 120 characters"),
    ],
)
def test_bad_routes_get_clear_messages_and_change_nothing(org_a, member, data, field, message):
    coordinator = signed_in_client(member(Role.COORDINATOR, org_a))
    data = {k: (str(org_a.pk) if v == "ORG" else v) for k, v in data.items()}
    with nothing_changes():
        response = coordinator.post("/tips/routes/", data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert TipRoute.objects.count() == 0


@pytest.mark.django_db
def test_an_inactive_organisation_cannot_receive_tips(org_a, member):
    closed = OrganisationFactory(name="Closed NGO", is_active=False)
    api = api_client(member(Role.COORDINATOR, org_a))
    with nothing_changes():
        refused = api.post("/api/v1/tip-routes", {"organisation": closed.pk, "exploitation": "any"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"organisation": ["Choose an active organisation."]}


@pytest.mark.django_db
def test_routes_through_the_api(org_a, org_b, member):
    api = api_client(member(Role.DEPLOYMENT_COORDINATOR, org_a))
    tip_reader(org_a), tip_reader(org_b)
    created = api.post(
        "/api/v1/tip-routes", {"organisation": org_b.pk, "exploitation": "sexual", "area": "Valmora"}, format="json"
    )
    assert created.status_code == 201
    route_id = created.json()["id"]
    fallback = api.post("/api/v1/tip-routes", {"organisation": org_a.pk, "exploitation": "any"}, format="json")
    assert api.get("/api/v1/tip-routes").json() == [
        {"id": fallback.json()["id"], "exploitation": "any", "area": "", "organisation": org_a.pk, "fallback": True},
        {"id": route_id, "exploitation": "sexual", "area": "Valmora", "organisation": org_b.pk, "fallback": False},
    ]
    with nothing_changes():  # the fallback route stays while other routes exist
        assert api.delete(f"/api/v1/tip-routes/{fallback.json()['id']}").status_code == 400
    assert api.delete(f"/api/v1/tip-routes/{route_id}").status_code == 204
    with nothing_changes():
        assert api.delete(f"/api/v1/tip-routes/{route_id}").status_code == 400
    for role in (Role.CASE_WORKER, Role.ORG_ADMIN):
        other = api_client(member(role, org_b))
        assert other.get("/api/v1/tip-routes").status_code == 403
        assert (
            other.post(
                "/api/v1/tip-routes", {"organisation": org_b.pk, "exploitation": "any"}, format="json"
            ).status_code
            == 403
        )
    assert APIClient().get("/api/v1/tip-routes").status_code == 401
    assert TipRoute.objects.count() == 1


@pytest.mark.django_db
def test_routes_by_area_from_the_command_line(org_a, org_b, capsys):
    from django.core.management import call_command

    tip_reader(org_a), tip_reader(org_b)

    call_command("tips", "route", "Alpha Shelter", "--exploitation", "any")
    call_command("tips", "route", "Beta Police", "--exploitation", "sexual", "--area", " Valmora ")
    assert tip_recipient("sexual", "Valmora") == org_b
    assert tip_recipient("sexual", "") == org_a
    call_command("tips", "routes")
    listed = capsys.readouterr().out
    assert "sexual                 Valmora                  → Beta Police" in listed
