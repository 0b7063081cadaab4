"""Who may see and change cases and referrals: anonymous, another organisation, the wrong role, the right one."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from palermo.audit.models import AuditEntry
from palermo.cases.models import Case, CaseEvent, Consent, Referral
from palermo.cases.services import referral_send
from palermo.organisations.models import Role
from tests.cases.conftest import World, give_referral_consent
from tests.conftest import actor_of, api_client, signed_in_client
from tests.factories import OrganisationFactory


def _recorded() -> dict[str, object]:
    """What a refused request must leave as it was: every consent, referral, case, case event and change audited."""
    return {
        "consents": list(Consent.objects.order_by("pk").values_list("pk", "status")),
        "referrals": list(Referral.objects.order_by("pk").values_list("pk", "status")),
        "cases": list(Case.objects.order_by("pk").values_list("pk", "status")),
        "case_events": CaseEvent.objects.count(),
        # A refused write may still have read the case to decide, and reads are audited (`case.view`):
        # what must not appear is an entry for a change.
        "audit_entries": list(
            AuditEntry.objects.exclude(action__endswith=".view").order_by("pk").values_list("pk", "action")
        ),
    }


@pytest.fixture
def referral(world: World) -> Referral:
    give_referral_consent(world, ["languages"], ["shelter"])
    return referral_send(
        actor=actor_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
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
    assert api_client(insider).get(f"/api/v1/cases/{world.case.pk}").status_code == 404
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


def test_only_case_workers_record_consent_and_refer(world: World, member) -> None:  # type: ignore[no-untyped-def]
    body = {
        "purpose": "referral",
        "organisation": world.org_b.pk,
        "fields": ["languages"],
        "services": ["shelter"],
        "status": "given",
        "informed_language": "ro",
        "informed_how": "oral",
    }
    decider = member(Role.DECISION_MAKER, world.org_a)
    decider_api, decider_web = api_client(decider), signed_in_client(decider)
    before = _recorded()
    assert decider_api.post(f"/api/v1/cases/{world.case.pk}/consents", body, format="json").status_code == 403
    assert decider_web.get(f"/cases/{world.case.pk}/consents/new/").status_code == 403
    assert decider_web.get(f"/cases/{world.case.pk}/refer/").status_code == 403
    assert _recorded() == before
    assert (
        api_client(world.worker_a).post(f"/api/v1/cases/{world.case.pk}/consents", body, format="json").status_code
        == 201
    )
    other_api = api_client(member(Role.CASE_WORKER, world.org_b))
    before = _recorded()
    assert other_api.post(f"/api/v1/cases/{world.case.pk}/consents", body, format="json").status_code == 404
    referral = {"case": world.case.pk, "to_organisation": world.org_b.pk, "services": ["shelter"]}
    assert decider_api.post("/api/v1/referrals", referral, format="json").status_code == 403
    assert _recorded() == before
    assert api_client(world.worker_a).post("/api/v1/referrals", referral, format="json").status_code == 201


def test_referral_reaches_only_the_recipients_case_workers(world: World, referral: Referral, member) -> None:  # type: ignore[no-untyped-def]
    third = member(Role.CASE_WORKER, OrganisationFactory(name="Gamma Clinic"))
    analyst_b = member(Role.ANALYST, world.org_b)
    decider_b = member(Role.DECISION_MAKER, world.org_b)
    for outsider in (third, analyst_b, decider_b):
        assert signed_in_client(outsider).get(f"/referrals/{referral.pk}/").status_code == 404
        assert api_client(outsider).get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    assert signed_in_client(world.worker_b).get(f"/referrals/{referral.pk}/").status_code == 200
    analyst_api, recipient_api = api_client(analyst_b), api_client(world.worker_b)
    before = _recorded()
    assert analyst_api.post(f"/api/v1/referrals/{referral.pk}/accept").status_code == 404
    assert recipient_api.post(f"/api/v1/referrals/{referral.pk}/revoke").status_code == 403
    assert _recorded() == before
    assert before["referrals"] == [(referral.pk, "pending")]


def test_the_senders_coordinator_manages_referrals_without_seeing_the_person(world: World, member) -> None:  # type: ignore[no-untyped-def]
    give_referral_consent(world, ["names", "exploitation"], ["shelter"])
    referral = referral_send(
        actor=actor_of(world.worker_a),
        case=world.case,
        to_organisation=world.org_b,
        services=["shelter"],
        note="Arrives Tuesday",
    )
    coordinator = member(Role.COORDINATOR, world.org_a)
    page = signed_in_client(coordinator).get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Revoke the referral" in html
    assert "Quintbury" not in html
    assert "Brindlemoor" not in html
    assert "Arrives Tuesday" not in html
    body = api_client(coordinator).get(f"/api/v1/referrals/{referral.pk}").json()
    assert body["shared"] == {}
    assert body["status"] == "pending"


def test_case_workers_are_chosen_among_the_organisations_own(world: World, member) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    from palermo.cases.services import case_assign

    colleague = member(Role.CASE_WORKER, world.org_a)
    case_assign(actor=actor_of(world.worker_a), case=world.case, users=[world.worker_a.user, colleague.user])
    assert set(world.case.assigned_to.all()) == {world.worker_a.user, colleague.user}
    with pytest.raises(ValidationError):
        case_assign(actor=actor_of(world.worker_a), case=world.case, users=[world.worker_b.user])
    response = signed_in_client(world.worker_a).post(
        f"/cases/{world.case.pk}/assign/", {"assigned_to": [str(colleague.user.pk)]}
    )
    assert response.status_code == 302
    assert list(world.case.assigned_to.all()) == [colleague.user]
