"""Reads of a case's assistance: pathway, recovery period, plan and risk.

Every function takes a case that already came through `case_get_for` (scoped and audited), or
scopes by the acting user itself. Dates are compared with the local date, never computed into flags
stored in the database, so nothing goes stale.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from palermo.assistance.models import (
    OPEN_PLAN_STATUSES,
    PathwayStage,
    PlanItem,
    RecoveryPeriod,
    ReturnPreparation,
    RiskAssessment,
    RiskReview,
    StageStatus,
)
from palermo.audit.services import audited_get
from palermo.cases.models import Case
from palermo.cases.selectors import case_queryset_for
from palermo.common import catalogue
from palermo.identification.deadlines import recovery_period_end
from palermo.identification.models import DecisionResult, DecisionStage, IdentificationDecision
from palermo.permissions import ActingUser, Capability, can

# --- Pathway -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    key: str  # "catalogue:<index>" for the scheme's activities, the text itself for the worker's own
    label: str
    done: bool


@dataclass(frozen=True)
class StageView:
    code: str
    label: str
    position: int
    status: str
    status_label: str
    started_on: datetime.date | None
    planned_end: datetime.date | None
    completed_on: datetime.date | None
    activities: tuple[Activity, ...]
    free_activities: tuple[str, ...]
    responsible: tuple[str, ...]  # who is responsible: organisation or outside actor, then the user
    responsible_organisation_id: int | None
    responsible_name: str
    responsible_user_id: int | None
    is_current: bool = False

    @property
    def is_late(self) -> bool:
        """Not finished by its planned end."""
        return (
            self.status in (StageStatus.NOT_STARTED, StageStatus.IN_PROGRESS)
            and self.planned_end is not None
            and self.planned_end < timezone.localdate()
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (StageStatus.DONE, StageStatus.NOT_NEEDED)

    @property
    def done_activities(self) -> list[str]:
        """What was done, the scheme's activities first: the panel lists these, not every activity."""
        return [a.label for a in self.activities if a.done] + list(self.free_activities)


def catalogue_activity_key(index: int) -> str:
    return f"catalogue:{index}"


def pathway_rows(case: Case) -> dict[str, PathwayStage]:
    rows = PathwayStage.objects.filter(case=case).select_related("responsible_organisation", "responsible_user")
    return {row.stage: row for row in rows}


def pathway_for(case: Case) -> list[StageView]:
    """Every stage of the scheme, in the scheme's order, with what the case has recorded for it.

    The current stage ("where the person is") is the last one in progress; with none in progress,
    the first stage after the last finished one.
    """
    rows = pathway_rows(case)
    labels = dict(StageStatus.choices)
    views: list[StageView] = []
    for position, stage in enumerate(catalogue.stages(), start=1):
        row = rows.get(stage.code)
        done = set(row.activities) if row is not None else set()
        activities = tuple(
            Activity(catalogue_activity_key(i), str(text), catalogue_activity_key(i) in done)
            for i, text in enumerate(stage.activities)
        )
        free = tuple(a for a in (row.activities if row else []) if not a.startswith("catalogue:"))
        status = row.status if row else StageStatus.NOT_STARTED
        responsible: list[str] = []
        if row is not None:
            if row.responsible_organisation is not None:
                responsible.append(row.responsible_organisation.name)
            elif row.responsible_name:
                responsible.append(row.responsible_name)
            if row.responsible_user is not None:
                responsible.append(row.responsible_user.full_name or row.responsible_user.email)
        views.append(
            StageView(
                code=stage.code,
                label=str(stage.label),
                position=position,
                status=status,
                status_label=str(labels[status]),
                started_on=row.started_on if row else None,
                planned_end=row.planned_end if row else None,
                completed_on=row.completed_on if row else None,
                activities=activities,
                free_activities=free,
                responsible=tuple(responsible),
                responsible_organisation_id=row.responsible_organisation_id if row else None,
                responsible_name=row.responsible_name if row else "",
                responsible_user_id=row.responsible_user_id if row else None,
            )
        )
    current = _current_position(views)
    if current is not None:
        views[current] = StageView(**{**views[current].__dict__, "is_current": True})
    return views


def _current_position(views: list[StageView]) -> int | None:
    in_progress = [i for i, v in enumerate(views) if v.status == StageStatus.IN_PROGRESS]
    if in_progress:
        return in_progress[-1]
    finished = [i for i, v in enumerate(views) if v.status == StageStatus.DONE]
    if not finished:
        return None
    after = [i for i, v in enumerate(views) if i > finished[-1] and not v.is_finished]
    return after[0] if after else None


# --- Recovery and reflection period ------------------------------------------------------------------


@dataclass(frozen=True)
class RecoveryPeriodView:
    started_on: datetime.date
    ends_on: datetime.date
    source: str  # "decision" (positive reasonable-grounds decision) or "manual"

    @property
    def is_running(self) -> bool:
        return self.started_on <= timezone.localdate() <= self.ends_on

    @property
    def has_ended(self) -> bool:
        return self.ends_on < timezone.localdate()

    @property
    def days_left(self) -> int:
        return max(0, (self.ends_on - timezone.localdate()).days)


# A decision that starts the recovery period: positive on reasonable grounds, and not superseded.
_STANDING_POSITIVE_GROUNDS = Q(
    stage=DecisionStage.REASONABLE_GROUNDS, result=DecisionResult.POSITIVE, superseded_by__isnull=True
)


def _grounds_decisions(cases: list[Case]) -> dict[int, datetime.date]:
    """Start of the recovery period by person: the latest positive reasonable-grounds decision still
    standing (not superseded) on a screening of that person in the case's organisation."""
    if not cases:
        return {}
    pairs = Q()
    for case in cases:
        pairs |= Q(organisation_id=case.organisation_id, screening__person_id=case.person_id)
    decisions = (
        IdentificationDecision.objects.filter(pairs)
        .filter(_STANDING_POSITIVE_GROUNDS)
        .values_list("screening__person_id", "decided_on")
    )
    starts: dict[int, datetime.date] = {}
    for person_id, decided_on in decisions:
        if person_id not in starts or decided_on > starts[person_id]:
            starts[person_id] = decided_on
    return starts


def _period_view(
    case: Case, decided_on: datetime.date | None, manual: RecoveryPeriod | None
) -> RecoveryPeriodView | None:
    """A recorded decision wins over a start entered by hand: the hand-entered start is for decisions
    taken outside Palermo."""
    if decided_on is not None:
        return RecoveryPeriodView(decided_on, recovery_period_end(decided_on), "decision")
    if manual is not None:
        return RecoveryPeriodView(manual.started_on, recovery_period_end(manual.started_on), "manual")
    return None


def recovery_periods_for(cases: list[Case]) -> dict[int, RecoveryPeriodView]:
    """Recovery periods by case id."""
    by_decision = _grounds_decisions(cases)
    manual = {r.case_id: r for r in RecoveryPeriod.objects.filter(case__in=cases)}
    periods = {case.pk: _period_view(case, by_decision.get(case.person_id), manual.get(case.pk)) for case in cases}
    return {pk: period for pk, period in periods.items() if period is not None}


# --- Return --------------------------------------------------------------------------------------------


def return_preparation_for(case: Case) -> ReturnPreparation | None:
    return (
        ReturnPreparation.objects.filter(case=case)
        .select_related("confirmation_organisation", "consent_recorded_by")  # what the panel and the API show
        .first()
    )


# --- Assistance plan ------------------------------------------------------------------------------------


def plan_items_for(case: Case) -> QuerySet[PlanItem]:
    return PlanItem.objects.filter(case=case).select_related("provider_organisation")


def plan_item_get_for(*, acting: ActingUser, case: Case, item_id: int | str) -> PlanItem:
    """One plan item of a case the acting user opened through `case_get_for`; 404 alike for missing and foreign."""
    return audited_get(acting=acting, queryset=plan_items_for(case), object_id=item_id, action="plan_item.view")


# --- Risk ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskSummary:
    current: RiskAssessment | None
    open_reviews: list[RiskReview]
    history: list[RiskAssessment] = field(default_factory=list)

    @property
    def next_review_on(self) -> datetime.date | None:
        dates = [r.due_on for r in self.open_reviews]
        if self.current is not None:
            dates.append(self.current.review_on)
        return min(dates) if dates else None

    @property
    def is_overdue(self) -> bool:
        return self.next_review_on is not None and self.next_review_on < timezone.localdate()

    @property
    def is_high(self) -> bool:
        return self.current is not None and self.current.level == "high"


def risk_summary_for(case: Case) -> RiskSummary:
    history = list(RiskAssessment.objects.filter(case=case).select_related("assessed_by").prefetch_related("factors"))
    reviews = list(RiskReview.objects.filter(case=case, answered_by__isnull=True))
    return RiskSummary(current=history[0] if history else None, open_reviews=reviews, history=history)


# --- Cases whose work falls to a user ----------------------------------------------------------------


def cases_in_care_of(acting: ActingUser) -> QuerySet[Case]:
    """Open cases whose assistance work is the acting user's: those assigned to them, and those nobody is
    assigned to yet (so that no case falls through). Only for roles that manage cases."""
    if not can(acting, Capability.CASE_MANAGE) or acting.user is None:
        return Case.objects.none()
    # Without joining the assignments: a join gives a row per case worker, so it needed a DISTINCT,
    # and PostgreSQL read the whole assignment table to apply the OR to it.
    assignments = Case.assigned_to.through.objects
    mine = assignments.filter(user_id=acting.user.pk).values("case_id")
    anyone = assignments.filter(case_id=OuterRef("pk"))
    return case_queryset_for(acting).filter(Q(pk__in=mine) | ~Exists(anyone), status="open")


def open_plan_items(cases: QuerySet[Case] | list[int]) -> QuerySet[PlanItem]:
    return PlanItem.objects.filter(case__in=cases, status__in=OPEN_PLAN_STATUSES)
