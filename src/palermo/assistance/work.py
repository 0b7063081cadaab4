"""What the assistance app puts on "my work": risk reviews, the end of the recovery period, and
stages and services not finished by their planned date. Titles carry case references only.

Every query filters by the actor's cases as a subquery, so an organisation with many thousand
cases costs a handful of indexed queries, never a list of ids in Python.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.assistance.models import PathwayStage, RecoveryPeriod, RiskAssessment, RiskReview, StageStatus
from palermo.assistance.selectors import cases_in_care_of, open_plan_items
from palermo.cases.models import Case
from palermo.common import catalogue
from palermo.identification.deadlines import recovery_period_end
from palermo.identification.models import DecisionResult, DecisionStage, IdentificationDecision
from palermo.permissions import Actor
from palermo.worklist.items import WorkItem


def _url(case_id: int, anchor: str) -> str:
    return reverse("assistance:panel", kwargs={"case_id": case_id}) + f"#{anchor}"


def _risk_reviews(cases: QuerySet[Case]) -> dict[int, tuple[str, datetime.date]]:
    """The next review of each case: the earlier of the latest assessment's date and any open review."""
    due: dict[int, tuple[str, datetime.date]] = {}
    latest = (
        RiskAssessment.objects.filter(case__in=cases)
        .order_by("case_id", "-assessed_on", "-created_at", "-id")
        .values_list("case_id", "case__reference", "review_on")
    )
    for case_id, reference, review_on in latest:
        due.setdefault(case_id, (reference, review_on))
    reviews = RiskReview.objects.filter(case__in=cases, answered_by__isnull=True).values_list(
        "case_id", "case__reference", "due_on"
    )
    for case_id, reference, due_on in reviews:
        if case_id not in due or due_on < due[case_id][1]:
            due[case_id] = (reference, due_on)
    return due


def _recovery_starts(cases: QuerySet[Case], organisation_id: int) -> dict[int, tuple[str, datetime.date]]:
    """Start of the recovery period by case, as `recovery_periods_for` decides it (a decision wins)."""
    starts: dict[int, tuple[str, datetime.date]] = {
        case_id: (reference, started_on)
        for case_id, reference, started_on in RecoveryPeriod.objects.filter(case__in=cases).values_list(
            "case_id", "case__reference", "started_on"
        )
    }
    by_person: dict[int, datetime.date] = {}
    decisions = IdentificationDecision.objects.filter(
        organisation_id=organisation_id,
        stage=DecisionStage.REASONABLE_GROUNDS,
        result=DecisionResult.POSITIVE,
        superseded_by__isnull=True,
        screening__person_id__in=cases.values("person_id"),
    ).values_list("screening__person_id", "decided_on")
    for person_id, decided_on in decisions:
        if person_id not in by_person or decided_on > by_person[person_id]:
            by_person[person_id] = decided_on
    if by_person:
        rows = cases.filter(person_id__in=list(by_person)).values_list("pk", "reference", "person_id")
        for case_id, reference, person_id in rows:
            starts[case_id] = (reference, by_person[person_id])
    return starts


def assistance_work_items(actor: Actor) -> Iterable[WorkItem]:
    if actor.membership is None:
        return []
    cases = cases_in_care_of(actor)
    items: list[WorkItem] = []
    for case_id, (reference, due) in _risk_reviews(cases).items():
        items.append(
            WorkItem(
                kind="risk.review",
                title=_("Review the risk assessment of case %(reference)s") % {"reference": reference},
                due=due,
                url=_url(case_id, "risk"),
                case_reference=reference,
            )
        )
    for case_id, (reference, started_on) in _recovery_starts(cases, actor.membership.organisation_id).items():
        ends_on = recovery_period_end(started_on)
        if ends_on < timezone.localdate():
            continue  # over: nothing left to prepare for
        items.append(
            WorkItem(
                kind="recovery.ends",
                title=_("Recovery and reflection period ends for case %(reference)s") % {"reference": reference},
                due=ends_on,
                url=_url(case_id, "recovery"),
                case_reference=reference,
            )
        )
    stages = PathwayStage.objects.filter(
        case__in=cases, status__in=(StageStatus.NOT_STARTED, StageStatus.IN_PROGRESS), planned_end__isnull=False
    ).values_list("case_id", "case__reference", "stage", "planned_end")
    for case_id, reference, stage, planned_end in stages:
        items.append(
            WorkItem(
                kind="pathway.stage",
                title=_("%(stage)s planned to end, case %(reference)s")
                % {"stage": catalogue.stage_label(stage), "reference": reference},
                due=planned_end,  # type: ignore[arg-type]  # filtered: never null
                url=_url(case_id, f"stage-{stage}"),
                case_reference=reference,
            )
        )
    plan = open_plan_items(cases).filter(ends_on__isnull=False)
    for case_id, reference, service, plan_end in plan.values_list("case_id", "case__reference", "service", "ends_on"):
        items.append(
            WorkItem(
                kind="plan.item",
                title=_("%(service)s planned to end, case %(reference)s")
                % {"service": catalogue.service_label(service), "reference": reference},
                due=plan_end,  # type: ignore[arg-type]  # filtered: never null
                url=_url(case_id, "assistance-plan"),
                case_reference=reference,
            )
        )
    return items
