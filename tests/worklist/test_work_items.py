"""What shows on "my work", for whom, in which order and group; tasks added and ticked off."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palermo.assistance.services import (
    pathway_stage_update,
    plan_item_add,
    recovery_period_start,
    risk_assessment_record,
    risk_review_request,
)
from palermo.identification.deadlines import reasonable_grounds_due
from palermo.organisations.models import Role
from palermo.worklist.items import work_items_for
from palermo.worklist.selectors import task_get_for, work_groups_for
from palermo.worklist.services import task_add, task_set_done
from tests.assistance.helpers import decide, open_case, submitted_screening
from tests.conftest import acting_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def worker(org_a, member):
    return member(Role.CASE_WORKER, org_a)


def busy_case(worker):  # type: ignore[no-untyped-def]
    """A case with one item of each kind the assistance app knows."""
    acting = acting_of(worker)
    case = open_case(worker)
    risk_assessment_record(
        acting=acting, case=case, level="high", assessed_on=TODAY - 10 * DAY, review_on=TODAY - 2 * DAY, factors=[]
    )
    recovery_period_start(acting=acting, case=case, started_on=TODAY - 25 * DAY)  # ends in 5 days
    pathway_stage_update(
        acting=acting, case=case, stage="crisis_intervention", status="in_progress", planned_end=TODAY + 20 * DAY
    )
    plan_item_add(acting=acting, case=case, service="shelter", starts_on=TODAY - 5 * DAY, ends_on=TODAY)
    return case


def test_a_case_worker_sees_every_kind_of_item_of_their_cases_earliest_first(worker):
    case = busy_case(worker)
    task_add(acting=acting_of(worker), title="Call the embassy about Olena", due_on=TODAY + DAY, case=case)
    items = work_items_for(acting_of(worker))
    assert [(i.kind, i.due) for i in items] == [
        ("risk.review", TODAY - 2 * DAY),
        ("plan.item", TODAY),
        ("task", TODAY + DAY),
        ("recovery.ends", TODAY + 5 * DAY),
        ("pathway.stage", TODAY + 20 * DAY),
    ]
    assert {i.case_reference for i in items} == {case.reference}
    assert items[0].title == f"Review the risk assessment of case {case.reference}"
    assert items[0].url == f"/cases/{case.pk}/assistance/#risk"
    assert items[0].is_overdue
    # Titles of the system's items carry the case reference, never the person's name.
    assert not any("Olena" in i.title for i in items if i.kind != "task")


def test_items_group_into_overdue_today_this_week_and_later(worker):
    busy_case(worker)
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    groups = {g.key: [i.kind for i in g.items] for g in work_groups_for(acting_of(worker), today=TODAY)}
    assert groups["overdue"] == ["risk.review"]
    assert groups["today"] == ["plan.item"]
    week = [] if monday + 6 * DAY < TODAY + 5 * DAY else ["recovery.ends"]
    assert groups["week"] == week
    assert groups["later"] == [k for k in ["recovery.ends", "pathway.stage"] if k not in week]


def test_nothing_leaks_to_another_organisation_or_to_roles_that_do_not_manage_cases(worker, org_a, org_b, member):
    busy_case(worker)
    assert work_items_for(acting_of(member(Role.CASE_WORKER, org_b))) == []
    assert work_items_for(acting_of(member(Role.FIRST_RESPONDER, org_a))) == []
    assert work_items_for(acting_of(member(Role.COORDINATOR, org_a))) == []


def test_a_case_assigned_to_a_colleague_is_theirs_and_an_unassigned_one_is_everyones(worker, org_a, member):
    colleague = member(Role.CASE_WORKER, org_a)
    case = busy_case(worker)
    # case_open assigns the case worker who opens it; nobody is assigned here until they are added.
    case.assigned_to.clear()
    assert len(work_items_for(acting_of(colleague))) == 4
    case.assigned_to.add(worker.user)
    assert work_items_for(acting_of(colleague)) == []
    assert len(work_items_for(acting_of(worker))) == 4
    case.status = "closed"
    case.save(update_fields=["status"])
    assert work_items_for(acting_of(worker)) == []


def test_an_event_review_earlier_than_the_scheduled_one_sets_the_due_date(worker):
    acting = acting_of(worker)
    case = open_case(worker)
    risk_assessment_record(acting=acting, case=case, level="low", review_on=TODAY + 60 * DAY, factors=[])
    risk_review_request(acting=acting, case=case, event="return", due_on=TODAY + 2 * DAY)
    assert [(i.kind, i.due) for i in work_items_for(acting)] == [("risk.review", TODAY + 2 * DAY)]


def test_decision_makers_see_the_reasonable_grounds_target_until_they_decide(worker, org_a, org_b, member):
    decider = member(Role.DECISION_MAKER, org_a)
    screening = submitted_screening(worker)
    due = reasonable_grounds_due(timezone.localdate(screening.submitted_for_decision_at), org_a.country)
    items = work_items_for(acting_of(decider))
    assert [(i.kind, i.due, i.url) for i in items] == [
        ("decision.reasonable_grounds", due, f"/screenings/{screening.pk}/decisions/")
    ]
    assert items[0].title == f"Reasonable-grounds decision on screening {screening.pk}"
    assert "Bus station" not in items[0].title  # the screening's own reference is personal data
    assert work_items_for(acting_of(member(Role.DECISION_MAKER, org_b))) == []
    decide(decider, screening, "positive", TODAY)
    assert work_items_for(acting_of(decider)) == []


def test_tasks_are_the_assignees_own_and_can_be_ticked_off(worker, org_a, org_b, member):
    colleague = member(Role.CASE_WORKER, org_a)
    task = task_add(acting=acting_of(worker), title="Book an interpreter", due_on=TODAY, assignee_id=colleague.user_id)
    assert [i.title for i in work_items_for(acting_of(colleague))] == ["Book an interpreter"]
    assert work_items_for(acting_of(worker)) == []
    with pytest.raises(Http404):
        task_get_for(acting=acting_of(worker), task_id=task.pk)
    task_set_done(
        acting=acting_of(colleague), task=task_get_for(acting=acting_of(colleague), task_id=task.pk), done=True
    )
    assert work_items_for(acting_of(colleague)) == []


def test_a_task_cannot_go_to_someone_outside_the_organisation_or_be_empty(worker, org_b, member):
    outsider = member(Role.CASE_WORKER, org_b)
    with pytest.raises(ValidationError) as error:
        task_add(acting=acting_of(worker), title="  ", due_on=TODAY, assignee_id=outsider.user_id)
    assert error.value.message_dict == {
        "title": ["Say what has to be done."],
        "assignee": ["Choose someone from your organisation."],
    }
    other_case = open_case(outsider)
    with pytest.raises(ValidationError) as error:
        task_add(acting=acting_of(worker), title="Visit", due_on=TODAY, case=other_case)
    assert error.value.message_dict == {"case": ["Choose a case of your organisation."]}


def test_a_positive_decision_puts_the_end_of_the_recovery_period_on_the_list(worker, org_a, member):
    case = open_case(worker)
    decide(member(Role.DECISION_MAKER, org_a), submitted_screening(worker, case), "positive", TODAY)
    assert [(i.kind, i.due, i.case_reference) for i in work_items_for(acting_of(worker))] == [
        ("recovery.ends", TODAY + 30 * DAY, case.reference)
    ]


def test_a_recovery_period_that_is_over_leaves_the_list(worker):
    case = open_case(worker)
    recovery_period_start(acting=acting_of(worker), case=case, started_on=TODAY - 31 * DAY)
    assert work_items_for(acting_of(worker)) == []
    recovery_period_start(acting=acting_of(worker), case=case, started_on=TODAY - 30 * DAY)
    assert [(i.kind, i.due) for i in work_items_for(acting_of(worker))] == [("recovery.ends", TODAY)]


def test_the_number_of_queries_does_not_grow_with_the_number_of_cases(worker, django_assert_num_queries):
    busy_case(worker)
    with CaptureQueriesContext(connection) as one:
        assert len(work_items_for(acting_of(worker))) == 4
    for _ in range(4):
        busy_case(worker)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(work_items_for(acting_of(worker))) == 20
