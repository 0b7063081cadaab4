"""Who may refer, who receives a referral, and what a coordinator sees of it."""

from __future__ import annotations

import pytest

from palermo.audit.models import AuditEntry
from palermo.cases.models import Case, CaseEvent
from palermo.consent.models import Consent
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


def test_referral_reaches_only_the_recipients_case_workers(world: World, referral: Referral, member) -> None:  # type: ignore[no-untyped-def]
    third = member(Role.CASE_WORKER, OrganisationFactory(name="Gamma Clinic"))
    analyst_b = member(Role.ANALYST, world.org_b)
    decider_b = member(Role.DECISION_MAKER, world.org_b)
    for outsider in (third, analyst_b, decider_b):
        assert signed_in_client(outsider).get(f"/referrals/{referral.pk}/").status_code == 404
        # The API refuses a role that reads no referral outright (403); one that reads some finds nothing (404).
        assert api_client(outsider).get(f"/api/v1/referrals/{referral.pk}").status_code == (
            403 if outsider is analyst_b else 404
        )
    assert signed_in_client(world.worker_b).get(f"/referrals/{referral.pk}/").status_code == 200
    analyst_api, recipient_api = api_client(analyst_b), api_client(world.worker_b)
    before = _recorded()
    assert analyst_api.post(f"/api/v1/referrals/{referral.pk}/accept").status_code == 403
    assert recipient_api.post(f"/api/v1/referrals/{referral.pk}/revoke").status_code == 403
    assert _recorded() == before
    assert before["referrals"] == [(referral.pk, "pending")]


def test_the_senders_coordinator_manages_referrals_without_seeing_the_person(world: World, member) -> None:  # type: ignore[no-untyped-def]
    give_referral_consent(world, ["names", "exploitation"], ["shelter"])
    referral = referral_send(
        acting=acting_of(world.worker_a),
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
