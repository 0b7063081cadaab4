"""What the assistance app puts on "my work": risk reviews, the end of the recovery period, and
stages and services not finished by their planned date. Titles carry case references only.

Three queries, whatever the number of items: the cases in the acting user's care with their risk and
recovery dates (subqueries per case, on indexes), then the stages and the plan items of those cases.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.assistance.models import PathwayStage, RiskAssessment, RiskReview, StageStatus
from palermo.assistance.selectors import cases_in_care_of, open_plan_items
from palermo.cases.models import Case
from palermo.common import catalogue
from palermo.identification.deadlines import recovery_period_end
from palermo.identification.models import DecisionResult, DecisionStage, IdentificationDecision
from palermo.permissions import ActingUser
from palermo.worklist.items import WorkItem


def _url(case_id: int, anchor: str) -> str:
    return reverse("assistance:panel", kwargs={"case_id": case_id}) + f"#{anchor}"


class _Due(NamedTuple):
    """One work item before it has words and a link: what both the list and the counts read."""

    kind: str
    case_id: int
    reference: str
    due: datetime.date
    code: str = ""  # the stage or the service


def _cases_with_dates(acting: ActingUser, organisation_id: int) -> QuerySet[Case, tuple[Any, ...]]:
    """The cases in the acting user's care, each with the dates its risk and recovery items come from.

    - the next risk review: the earlier of the latest assessment's review date and any open review;
    - the start of the recovery period, as `recovery_periods_for` decides it: the latest positive,
      current reasonable-grounds decision of the organisation about the person wins over the recorded
      start.
    """
    latest_assessment = RiskAssessment.objects.filter(case=OuterRef("pk")).order_by(
        "-assessed_on", "-created_at", "-id"
    )
    open_review = RiskReview.objects.filter(case=OuterRef("pk"), answered_by__isnull=True).order_by("due_on")
    decision = IdentificationDecision.objects.filter(
        organisation_id=organisation_id,
        stage=DecisionStage.REASONABLE_GROUNDS,
        result=DecisionResult.POSITIVE,
        superseded_by__isnull=True,
        screening__person_id=OuterRef("person_id"),
    ).order_by("-decided_on")
    return (
        cases_in_care_of(acting)
        .order_by()
        .values_list(
            "pk",
            "reference",
            Subquery(latest_assessment.values("review_on")[:1]),
            Subquery(open_review.values("due_on")[:1]),
            "recovery_period__started_on",  # one to one: the join adds no rows
            Subquery(decision.values("decided_on")[:1]),
        )
    )


def _due_in_care_of(acting: ActingUser) -> list[_Due]:
    """Every assistance item of the cases in the acting user's care: one read of those cases (with their risk
    and recovery dates), then their stages and plan items by case id. A case worker's cases are their
    caseload, so the ids are few; reading them once spares every later query the scope subquery."""
    if acting.membership is None:
        return []
    rows: list[_Due] = []
    references: dict[int, str] = {}
    today = timezone.localdate()
    for case_id, reference, assessment_review, open_review, recovery_start, decided_on in _cases_with_dates(
        acting, acting.membership.organisation_id
    ):
        references[case_id] = reference
        reviews = [day for day in (assessment_review, open_review) if day is not None]
        if reviews:
            rows.append(_Due("risk.review", case_id, reference, min(reviews)))
        started_on = decided_on or recovery_start
        if started_on is not None and (ends_on := recovery_period_end(started_on)) >= today:
            rows.append(_Due("recovery.ends", case_id, reference, ends_on))  # once over, nothing left to prepare
    if not references:
        return rows
    # Stages and plan items not finished by their planned end, in one statement (UNION ALL; no
    # ORDER BY: work_items_for sorts). The planned ends are filtered: never null.
    ids = list(references)
    stages = PathwayStage.objects.filter(
        case_id__in=ids, status__in=(StageStatus.NOT_STARTED, StageStatus.IN_PROGRESS), planned_end__isnull=False
    ).values_list(Value("pathway.stage", output_field=CharField()), "case_id", "planned_end", "stage")
    plan = open_plan_items(ids).filter(ends_on__isnull=False)
    ends = plan.values_list(Value("plan.item", output_field=CharField()), "case_id", "ends_on", "service")
    for kind, case_id, end, code in stages.order_by().union(ends.order_by(), all=True):
        rows.append(_Due(kind, case_id, references[case_id], end, code))
    return rows


def assistance_due_dates(acting: ActingUser) -> Iterable[datetime.date]:
    return [row.due for row in _due_in_care_of(acting)]


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


def assistance_work_items(acting: ActingUser) -> Iterable[WorkItem]:
    return [_item(row) for row in _due_in_care_of(acting)]
