"""Two people change the same thing at the same moment: one wins, the other is told, nothing forks.

Each thread loads the record first, as a page would, then both act at once. A service that trusted
the copy it was handed would let both through; the services lock the row and decide on what the
database holds.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from palermo.identification.models import IdentificationDecision, Screening
from palermo.identification.services import (
    decision_record,
)
from palermo.organisations.models import Role
from tests.concurrency import at_once, concurrent
from tests.conftest import acting_of


@concurrent
def test_two_decisions_at_once_form_one_line_of_reconsideration(org_a, member, submitted_screening) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    _, screening = submitted_screening
    makers = [member(Role.DECISION_MAKER, org_a) for _ in range(2)]
    today: datetime.date = timezone.localdate()
    results = at_once(
        *[
            (
                lambda maker=maker, result=result: decision_record(
                    acting=acting_of(maker),
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
                    acting=acting_of(worker), tip=Tip.objects.get(pk=tip.pk), organisation_id=target.pk
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
