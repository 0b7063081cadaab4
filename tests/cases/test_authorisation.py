"""Who may see and change cases and referrals: anonymous, another organisation, the wrong role, the right one."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from palermo.organisations.models import Role
from palermo.referrals.models import Referral
from palermo.referrals.services import referral_send
from tests.cases.conftest import World, give_referral_consent
from tests.conftest import acting_of, api_client, signed_in_client
from tests.factories import OrganisationFactory


@pytest.fixture
def referral(world: World) -> Referral:
    give_referral_consent(world, ["languages"], ["shelter"])
    return referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )


def test_anonymous_gets_nothing(world: World, referral: Referral, client) -> None:  # type: ignore[no-untyped-def]
    for url in (f"/cases/{world.case.pk}/", "/cases/", "/referrals/", f"/referrals/{referral.pk}/summary.pdf"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response["Location"]
    anonymous = APIClient()
    assert anonymous.get(f"/api/v1/cases/{world.case.pk}").status_code == 401
    assert anonymous.get(f"/api/v1/referrals/{referral.pk}").status_code == 401


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.DECISION_MAKER])
def test_another_organisation_sees_no_case(world: World, member, role: str) -> None:  # type: ignore[no-untyped-def]
    outsider = member(role, OrganisationFactory(name="Gamma Clinic"))
    assert signed_in_client(outsider).get(f"/cases/{world.case.pk}/").status_code == 404
    assert api_client(outsider).get(f"/api/v1/cases/{world.case.pk}").status_code == 404


@pytest.mark.parametrize("role", [Role.ANALYST, Role.COORDINATOR, Role.ORG_ADMIN])
def test_roles_that_never_see_people_see_no_case(world: World, member, role: str) -> None:  # type: ignore[no-untyped-def]
    insider = member(role, world.org_a)
    assert signed_in_client(insider).get(f"/cases/{world.case.pk}/").status_code == 404
    # The API refuses a role without the capability outright (403), whatever the case.
    api = api_client(insider)
    assert api.get(f"/api/v1/cases/{world.case.pk}").status_code == 403
    assert "Quintbury" not in api.get(f"/api/v1/cases/{world.case.pk}").content.decode()
    assert api.get("/api/v1/cases").status_code == 403
    assert signed_in_client(insider).get("/cases/").status_code == 403


def test_case_worker_and_decision_maker_of_the_organisation_see_the_case(world: World, member) -> None:  # type: ignore[no-untyped-def]
    for membership in (world.worker_a, member(Role.DECISION_MAKER, world.org_a)):
        page = signed_in_client(membership).get(f"/cases/{world.case.pk}/")
        assert page.status_code == 200
        assert "Quintbury" in page.content.decode()
        assert api_client(membership).get(f"/api/v1/cases/{world.case.pk}").json()["reference"] == world.case.reference


def test_first_responder_sees_only_the_cases_they_opened(world: World, member) -> None:  # type: ignore[no-untyped-def]
    responder = member(Role.FIRST_RESPONDER, world.org_a)
    assert api_client(responder).get(f"/api/v1/cases/{world.case.pk}").status_code == 404
    person = api_client(responder).post("/api/v1/persons", {"given_names": "Ana"}, format="json").json()
    opened = api_client(responder).post("/api/v1/cases", {"person": person["id"]}, format="json")
    assert opened.status_code == 201
    assert api_client(responder).get(f"/api/v1/cases/{opened.json()['id']}").status_code == 200


def test_case_workers_are_chosen_among_the_organisations_own(world: World, member) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    from palermo.cases.services import case_assign

    colleague = member(Role.CASE_WORKER, world.org_a)
    case_assign(acting=acting_of(world.worker_a), case=world.case, users=[world.worker_a.user, colleague.user])
    assert set(world.case.assigned_to.all()) == {world.worker_a.user, colleague.user}
    with pytest.raises(ValidationError):
        case_assign(acting=acting_of(world.worker_a), case=world.case, users=[world.worker_b.user])
    response = signed_in_client(world.worker_a).post(
        f"/cases/{world.case.pk}/assign/", {"assigned_to": [str(colleague.user.pk)]}
    )
    assert response.status_code == 302
    assert list(world.case.assigned_to.all()) == [colleague.user]
