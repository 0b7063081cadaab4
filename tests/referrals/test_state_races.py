"""Two people answer or revoke one referral at the same moment: one wins, the other is told, nothing forks."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from palermo.audit.models import AuditEntry
from palermo.cases.models import CaseEvent
from palermo.organisations.models import Role
from palermo.referrals.models import Referral, ReferralStatus
from palermo.referrals.services import referral_accept, referral_decline, referral_revoke, referral_send
from tests.cases.conftest import World, give_referral_consent
from tests.concurrency import at_once, concurrent
from tests.conftest import acting_of


@pytest.fixture
def referral(world: World) -> Referral:
    give_referral_consent(world, ["languages"], ["shelter"])
    return referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )


@concurrent
def test_two_accepts_of_one_referral_record_one_answer(world: World, referral: Referral, member) -> None:  # type: ignore[no-untyped-def]
    second_worker = member(Role.CASE_WORKER, world.org_b)
    copies = [Referral.objects.get(pk=referral.pk) for _ in range(2)]
    results = at_once(
        lambda: referral_accept(acting=acting_of(world.worker_b), referral=copies[0]),
        lambda: referral_accept(acting=acting_of(second_worker), referral=copies[1]),
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    accepted = [r for r in results if isinstance(r, Referral)]
    assert len(accepted) == 1, results
    assert len(refused) == 1, results
    assert refused[0].message_dict == {"status": ["This referral has been answered already."]}
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.status == ReferralStatus.ACCEPTED
    assert stored.answered_by_id == accepted[0].answered_by_id
    assert AuditEntry.objects.filter(action="referral.accept", object_id=str(referral.pk)).count() == 1
    assert CaseEvent.objects.filter(case=world.case, kind="referral_accepted").count() == 1


@concurrent
def test_an_accept_and_a_revoke_at_once_leave_one_outcome(world: World, referral: Referral) -> None:
    copies = [Referral.objects.get(pk=referral.pk) for _ in range(2)]
    results = at_once(
        lambda: referral_accept(acting=acting_of(world.worker_b), referral=copies[0]),
        lambda: referral_revoke(acting=acting_of(world.worker_a), referral=copies[1]),
    )
    assert sum(isinstance(r, Referral) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    stored = Referral.objects.get(pk=referral.pk)
    winner = next(r for r in results if isinstance(r, Referral))
    assert stored.status == winner.status
    if stored.status == ReferralStatus.ACCEPTED:
        assert stored.revoked_at is None
    else:
        assert stored.answered_at is None


def test_a_decline_after_an_accept_changes_nothing(world: World, referral: Referral) -> None:
    stale = Referral.objects.get(pk=referral.pk)
    referral_accept(acting=acting_of(world.worker_b), referral=Referral.objects.get(pk=referral.pk))
    with pytest.raises(ValidationError):
        referral_decline(acting=acting_of(world.worker_b), referral=stale, reason="No room")
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.decline_reason) == (ReferralStatus.ACCEPTED, "")
