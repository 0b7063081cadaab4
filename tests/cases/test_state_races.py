"""Two people change the same thing at the same moment: one wins, the other is told, nothing forks.

Each thread loads the record first, as a page would, then both act at once. A service that trusted
the copy it was handed would let both through; the services lock the row and decide on what the
database holds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections

from palermo.audit.models import AuditEntry
from palermo.cases.models import CaseEvent
from palermo.identification.models import IdentificationDecision, Screening
from palermo.identification.services import (
    decision_record,
)
from palermo.organisations.models import Role
from palermo.referrals.models import Referral, ReferralStatus
from palermo.referrals.services import referral_accept, referral_decline, referral_revoke, referral_send
from tests.cases.conftest import World, give_referral_consent
from tests.conftest import actor_of

_postgresql_only = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs real concurrent transactions, which the SQLite test database cannot give; CI runs this on PostgreSQL",
)


def concurrent(test: Callable[..., None]) -> Callable[..., None]:
    return _postgresql_only(pytest.mark.django_db(transaction=True)(test))


def at_once(*steps: Callable[[], Any]) -> list[Any]:
    """Run the steps in threads released together; each returns its result or the exception it raised."""
    barrier = threading.Barrier(len(steps))

    def run(step: Callable[[], Any]) -> Any:
        try:
            barrier.wait(timeout=10)
            return step()
        except Exception as error:  # the test inspects what each side got
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(steps)) as pool:
        return list(pool.map(run, steps))


@pytest.fixture
def referral(world: World) -> Referral:
    give_referral_consent(world, ["languages"], ["shelter"])
    return referral_send(
        actor=actor_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )


@concurrent
def test_two_accepts_of_one_referral_record_one_answer(world: World, referral: Referral, member) -> None:  # type: ignore[no-untyped-def]
    second_worker = member(Role.CASE_WORKER, world.org_b)
    copies = [Referral.objects.get(pk=referral.pk) for _ in range(2)]
    results = at_once(
        lambda: referral_accept(actor=actor_of(world.worker_b), referral=copies[0]),
        lambda: referral_accept(actor=actor_of(second_worker), referral=copies[1]),
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
        lambda: referral_accept(actor=actor_of(world.worker_b), referral=copies[0]),
        lambda: referral_revoke(actor=actor_of(world.worker_a), referral=copies[1]),
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
    referral_accept(actor=actor_of(world.worker_b), referral=Referral.objects.get(pk=referral.pk))
    with pytest.raises(ValidationError):
        referral_decline(actor=actor_of(world.worker_b), referral=stale, reason="No room")
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.decline_reason) == (ReferralStatus.ACCEPTED, "")


@concurrent
def test_two_decisions_at_once_form_one_line_of_reconsideration(org_a, member, referred_screening) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    _, screening = referred_screening
    makers = [member(Role.DECISION_MAKER, org_a) for _ in range(2)]
    today: datetime.date = timezone.localdate()
    results = at_once(
        *[
            (
                lambda maker=maker, result=result: decision_record(
                    actor=actor_of(maker),
                    screening=Screening.objects.get(pk=screening.pk),
                    stage="reasonable_grounds",
                    result=result,
                    decided_on=today,
                    reasoning="Interview on arrival.",
                )
            )
            for maker, result in zip(makers, ["positive", "negative"], strict=True)
        ]
    )
    assert all(isinstance(r, IdentificationDecision) for r in results), results
    decisions = list(IdentificationDecision.objects.filter(screening=screening).order_by("pk"))
    assert len(decisions) == 2
    # One first decision, and one reconsideration of it: never two decisions that both claim to be the first.
    assert [d.supersedes_id for d in decisions] == [None, decisions[0].pk]


@concurrent
def test_two_forwards_of_one_tip_send_it_to_one_place(org_a, member) -> None:  # type: ignore[no-untyped-def]
    from palermo.reporting.models import Tip, TipForward, TipRoute
    from palermo.reporting.services import tip_forward, tip_submit
    from tests.factories import OrganisationFactory

    TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=org_a)
    tip = tip_submit(data={"description": "Workers sleep in the warehouse"}, language="en").tip
    workers = [member(Role.CASE_WORKER, org_a) for _ in range(2)]
    targets = [OrganisationFactory(name=name) for name in ("Gamma Clinic", "Delta Police")]
    for target in targets:
        member(Role.CASE_WORKER, target)
    results = at_once(
        *[
            (
                lambda worker=worker, target=target: tip_forward(
                    actor=actor_of(worker), tip=Tip.objects.get(pk=tip.pk), organisation_id=target.pk
                )
            )
            for worker, target in zip(workers, targets, strict=True)
        ]
    )
    forwarded = [r for r in results if isinstance(r, TipForward)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(forwarded) == 1, results
    assert refused[0].messages == ["This tip has just been forwarded to another organisation."]
    assert Tip.objects.get(pk=tip.pk).organisation_id == forwarded[0].to_organisation_id
    assert TipForward.objects.filter(tip_id=tip.pk).count() == 1
