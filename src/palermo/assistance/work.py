"""What the assistance app puts on "my work": risk reviews, the end of the recovery period, and
stages and services not finished by their planned date. Titles carry case references only."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from palermo.assistance import catalogue
from palermo.assistance.models import PathwayStage, RiskAssessment, RiskReview, StageStatus
from palermo.assistance.selectors import cases_in_care_of, open_plan_items, recovery_periods_for
from palermo.permissions import Actor
from palermo.worklist.items import WorkItem


def assistance_work_items(actor: Actor) -> Iterable[WorkItem]:
    cases = cases_in_care_of(actor)
    by_id = {case.pk: case for case in cases.only("pk", "reference", "organisation_id", "person_id")}
    if not by_id:
        return []
    items: list[WorkItem] = []

    def url(case_id: int, anchor: str) -> str:
        return reverse("assistance:panel", kwargs={"case_id": case_id}) + f"#{anchor}"

    # Risk: the next review of each case, the earliest of the latest assessment's date and open reviews.
    next_review: dict[int, object] = {}
    latest = RiskAssessment.objects.filter(case_id__in=by_id).order_by("case_id", "-assessed_on", "-created_at", "-id")
    for case_id, review_on in latest.values_list("case_id", "review_on"):
        next_review.setdefault(case_id, review_on)
    for case_id, due_on in RiskReview.objects.filter(case_id__in=by_id, answered_by__isnull=True).values_list(
        "case_id", "due_on"
    ):
        current = next_review.get(case_id)
        if current is None or due_on < current:  # type: ignore[operator]
            next_review[case_id] = due_on
    for case_id, due in next_review.items():
        reference = by_id[case_id].reference
        items.append(
            WorkItem(
                kind="risk.review",
                title=_("Review the risk assessment of case %(reference)s") % {"reference": reference},
                due=due,  # type: ignore[arg-type]
                url=url(case_id, "risk"),
                case_reference=reference,
            )
        )

    for case_id, period in recovery_periods_for(list(by_id.values())).items():
        if period.has_ended:
            continue
        reference = by_id[case_id].reference
        items.append(
            WorkItem(
                kind="recovery.ends",
                title=_("Recovery and reflection period ends for case %(reference)s") % {"reference": reference},
                due=period.ends_on,
                url=url(case_id, "recovery"),
                case_reference=reference,
            )
        )

    stages = PathwayStage.objects.filter(
        case_id__in=by_id,
        status__in=(StageStatus.NOT_STARTED, StageStatus.IN_PROGRESS),
        planned_end__isnull=False,
    ).values_list("case_id", "stage", "planned_end")
    for case_id, stage, planned_end in stages:
        reference = by_id[case_id].reference
        items.append(
            WorkItem(
                kind="pathway.stage",
                title=_("%(stage)s planned to end, case %(reference)s")
                % {"stage": catalogue.stage_label(stage), "reference": reference},
                due=planned_end,  # type: ignore[arg-type]  # filtered: never null here
                url=url(case_id, f"stage-{stage}"),
                case_reference=reference,
            )
        )

    for case_id, service, ends_on in (
        open_plan_items(cases).filter(ends_on__isnull=False).values_list("case_id", "service", "ends_on")
    ):
        reference = by_id[case_id].reference
        items.append(
            WorkItem(
                kind="plan.item",
                title=_("%(service)s planned to end, case %(reference)s")
                % {"service": catalogue.service_label(service), "reference": reference},
                due=ends_on,  # type: ignore[arg-type]  # filtered: never null here
                url=url(case_id, "assistance-plan"),
                case_reference=reference,
            )
        )
    return items
