"""Demo data for the scheme of assistance: one case part-way along its pathway (fictional)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from palermo.assistance.models import PathwayStage
from palermo.assistance.services import (
    pathway_stage_update,
    plan_item_add,
    recovery_period_start,
    risk_assessment_record,
    risk_review_request,
)
from palermo.cases.models import Case
from palermo.cases.services import case_open
from palermo.organisations.models import Membership, Organisation, Role
from palermo.people.models import Person
from palermo.permissions import ActingUser, Channel
from palermo.worklist.services import task_add

DAY = datetime.timedelta(days=1)


def demo_assistance(organisation: Organisation, *, email: str = "caseworker@valmora.test") -> None:
    """Give the organisation's first case (opened if there is none) a pathway, a plan, a high risk and a task."""
    membership = Membership.objects.filter(user__email=email, organisation=organisation, role=Role.CASE_WORKER).first()
    person = Person.objects.filter(organisation=organisation).order_by("id").first()
    if membership is None or person is None:
        return
    acting = ActingUser(user=membership.user, membership=membership, channel=Channel.CLI)
    case = Case.objects.filter(organisation=organisation, status="open").order_by("id").first()
    if case is None:
        case = case_open(acting=acting, person=person)
    if PathwayStage.objects.filter(case=case).exists():
        return
    today = timezone.localdate()
    pathway_stage_update(
        acting=acting,
        case=case,
        stage="hotline",
        status="done",
        started_on=today - 12 * DAY,
        completed_on=today - 12 * DAY,
    )
    pathway_stage_update(
        acting=acting,
        case=case,
        stage="safe_place",
        status="done",
        started_on=today - 12 * DAY,
        completed_on=today - 11 * DAY,
        activities=["catalogue:1"],
        responsible_name="Valmora municipal police",
    )
    pathway_stage_update(acting=acting, case=case, stage="referral", status="not_needed")
    pathway_stage_update(
        acting=acting,
        case=case,
        stage="risk_assessment",
        status="done",
        started_on=today - 11 * DAY,
        completed_on=today - 10 * DAY,
    )
    pathway_stage_update(
        acting=acting,
        case=case,
        stage="crisis_intervention",
        status="in_progress",
        started_on=today - 10 * DAY,
        planned_end=today - DAY,
        activities=["catalogue:0", "catalogue:2", "catalogue:7"],
        responsible_organisation=organisation,
        responsible_user_id=membership.user_id,
    )
    recovery_period_start(acting=acting, case=case, started_on=today - 10 * DAY)
    plan_item_add(
        acting=acting,
        case=case,
        service="shelter",
        status="in_progress",
        starts_on=today - 11 * DAY,
        ends_on=today + 80 * DAY,
    )
    plan_item_add(
        acting=acting,
        case=case,
        service="psychological",
        provider_name="Valmora Trauma Centre (fictional)",
        starts_on=today - 5 * DAY,
    )
    plan_item_add(acting=acting, case=case, service="legal", starts_on=today, ends_on=today + 14 * DAY)
    risk_assessment_record(
        acting=acting,
        case=case,
        level="high",
        assessed_on=today - 10 * DAY,
        review_on=today + 4 * DAY,
        factors=[
            {
                "kind": "traffickers",
                "rating": "high",
                "note": "The recruiter has asked about her at the bus station (fictional).",
            },
            {"kind": "family", "rating": "medium", "note": ""},
            {"kind": "health", "rating": "low", "note": ""},
        ],
    )
    risk_review_request(acting=acting, case=case, event="court_hearing", due_on=today + 2 * DAY)
    task_add(acting=acting, title="Book an interpreter for the hearing (fictional)", due_on=today + DAY, case=case)
