"""A referral's life: accepted, declined with a reason, revoked, flagged when nobody answers in time."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from palermo.common.workdays import add_working_days
from palermo.organisations.models import Role
from palermo.referrals.models import Referral
from palermo.referrals.services import referral_accept, referral_decline, referral_revoke, referral_send
from palermo.worklist.items import work_items_for
from tests.cases.conftest import World, give_referral_consent
from tests.conftest import acting_of, api_client, nothing_changes, signed_in_client


def test_recipient_accepts_and_the_sender_sees_it(world: World) -> None:
    give_referral_consent(world, ["languages"], ["shelter"])
    referral = referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
    with pytest.raises(PermissionDenied):
        referral_accept(acting=acting_of(world.worker_a), referral=referral)
    response = api_client(world.worker_b).post(f"/api/v1/referrals/{referral.pk}/accept")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    sent = api_client(world.worker_a).get(f"/api/v1/referrals/{referral.pk}").json()
    assert sent["status"] == "accepted"
    assert "Accepted" in signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/").content.decode()


def test_decline_needs_a_reason_the_sender_reads(world: World) -> None:
    give_referral_consent(world, ["languages"], ["shelter"])
    referral = referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
    recipient = api_client(world.worker_b)
    with nothing_changes(reads_audited=True):
        refused = recipient.post(f"/api/v1/referrals/{referral.pk}/decline", {"reason": ""}, format="json")
    assert refused.status_code == 400
    referral_decline(acting=acting_of(world.worker_b), referral=referral, reason="No bed free this month")
    assert api_client(world.worker_a).get(f"/api/v1/referrals/{referral.pk}").json()["decline_reason"] == (
        "No bed free this month"
    )
    # Once declined, the recipient no longer sees it.
    with nothing_changes():
        assert recipient.get(f"/api/v1/referrals/{referral.pk}").status_code == 404


def test_sender_revokes_a_pending_referral_only(world: World, member) -> None:  # type: ignore[no-untyped-def]
    give_referral_consent(world, ["languages"], ["shelter"])
    first = referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
    coordinator = member(Role.COORDINATOR, world.org_a)
    response = api_client(coordinator).post(f"/api/v1/referrals/{first.pk}/revoke")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert api_client(world.worker_b).get(f"/api/v1/referrals/{first.pk}").status_code == 404
    second = referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
    referral_accept(acting=acting_of(world.worker_b), referral=second)
    with pytest.raises(ValidationError):
        referral_revoke(acting=acting_of(world.worker_a), referral=second)
    with pytest.raises(PermissionDenied):
        referral_revoke(acting=acting_of(member(Role.ANALYST, world.org_a)), referral=second)


def test_unanswered_referrals_are_flagged_for_both_sides(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PALERMO_REFERRAL_ACK_WORKING_DAYS = 3
    give_referral_consent(world, ["languages"], ["shelter"])
    referral = referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
    today = timezone.localdate()
    assert referral.acknowledge_by == add_working_days(today, 3, world.org_b.country)
    assert referral.acknowledge_by >= today + datetime.timedelta(days=3)  # working days: never fewer calendar days
    items_b = work_items_for(acting_of(world.worker_b))
    assert [i.kind for i in items_b] == ["referral.unanswered"]
    assert not items_b[0].is_overdue
    assert "Overdue" not in signed_in_client(world.worker_b).get("/referrals/").content.decode()

    # The deadline passes with nobody answering.
    Referral.objects.filter(pk=referral.pk).update(acknowledge_by=today - datetime.timedelta(days=1))
    items_a = work_items_for(acting_of(world.worker_a))
    assert [i.kind for i in items_a] == ["referral.awaiting_answer"]
    assert items_a[0].is_overdue
    assert items_a[0].case_reference == world.case.reference
    assert world.case.person.family_name not in items_a[0].title
    assert work_items_for(acting_of(world.worker_b))[0].is_overdue
    assert "Overdue" in signed_in_client(world.worker_b).get("/referrals/").content.decode()
    assert api_client(world.worker_a).get("/api/v1/referrals?box=sent").json()["results"][0]["overdue"] is True

    referral.refresh_from_db()
    referral_accept(acting=acting_of(world.worker_b), referral=referral)
    assert work_items_for(acting_of(world.worker_b)) == []
    assert work_items_for(acting_of(world.worker_a)) == []
