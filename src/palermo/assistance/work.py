"""What the assistance app puts on "my work": risk reviews, the end of the recovery period, and
stages and services not finished by their planned date. Titles carry case references only.

Every query filters by the actor's cases as a subquery, so an organisation with many thousand
cases costs a handful of indexed queries, never a list of ids in Python.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import NamedTuple

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


class _Due(NamedTuple):
    """One work item before it has words and a link: what both the list and the counts read."""

    kind: str
    case_id: int
    reference: str
    due: datetime.date
    code: str = ""  # the stage or the service


def _due_in_care_of(actor: Actor) -> list[_Due]:
    if actor.membership is None:
        return []
    cases = cases_in_care_of(actor)
    rows = [_Due("risk.review", case_id, reference, due) for case_id, (reference, due) in _risk_reviews(cases).items()]
    today = timezone.localdate()
    for case_id, (reference, started_on) in _recovery_starts(cases, actor.membership.organisation_id).items():
        ends_on = recovery_period_end(started_on)
        if ends_on >= today:  # over: nothing left to prepare for
            rows.append(_Due("recovery.ends", case_id, reference, ends_on))
    stages = PathwayStage.objects.filter(
        case__in=cases, status__in=(StageStatus.NOT_STARTED, StageStatus.IN_PROGRESS), planned_end__isnull=False
    ).values_list("case_id", "case__reference", "planned_end", "stage")
    # planned_end and ends_on are filtered: never null.
    rows.extend(_Due("pathway.stage", *row) for row in stages)  # type: ignore[arg-type]
    plan = open_plan_items(cases).filter(ends_on__isnull=False)
    plan_rows = plan.values_list("case_id", "case__reference", "ends_on", "service")
    rows.extend(_Due("plan.item", *row) for row in plan_rows)  # type: ignore[arg-type]
    return rows


def assistance_due_dates(actor: Actor) -> Iterable[datetime.date]:
    return [row.due for row in _due_in_care_of(actor)]


def _item(row: _Due) -> WorkItem:
    reference = row.reference
    if row.kind == "risk.review":
        title, anchor = _("Review the risk assessment of case %(reference)s") % {"reference": reference}, "risk"
    elif row.kind == "recovery.ends":
        title = _("Recovery and reflection period ends for case %(reference)s") % {"reference": reference}
        anchor = "recovery"
    elif row.kind == "pathway.stage":
        title = _("%(stage)s planned to end, case %(reference)s") % {
            "stage": catalogue.stage_label(row.code),
            "reference": reference,
        }
        anchor = f"stage-{row.code}"
    else:
        title = _("%(service)s planned to end, case %(reference)s") % {
            "service": catalogue.service_label(row.code),
            "reference": reference,
        }
        anchor = "assistance-plan"
    return WorkItem(kind=row.kind, title=title, due=row.due, url=_url(row.case_id, anchor), case_reference=reference)


def assistance_work_items(actor: Actor) -> Iterable[WorkItem]:
    return [_item(row) for row in _due_in_care_of(actor)]
