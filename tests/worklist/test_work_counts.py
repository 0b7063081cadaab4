"""The home page's "my work" counts: the same numbers as the groups of "my work", read without building its items."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palermo.assistance.services import recovery_period_start, risk_assessment_record, risk_review_request
from palermo.consent.services import consent_withdraw
from palermo.organisations.models import Membership, Role
from palermo.referrals.services import referral_accept, referral_decline, referral_send
from palermo.worklist.selectors import work_counts_for, work_groups_for
from palermo.worklist.services import task_add, task_set_done
from tests.assistance.helpers import decide, open_case, submitted_screening
from tests.cases.conftest import World, give_referral_consent
from tests.conftest import acting_of, signed_in_client
from tests.worklist.test_work_items import busy_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
ROLES = [Role.CASE_WORKER, Role.FIRST_RESPONDER, Role.DECISION_MAKER, Role.COORDINATOR, Role.ANALYST, Role.ORG_ADMIN]


def assert_counts_are_the_groups(*memberships: Membership) -> dict[int, dict[str, int]]:
    """For each membership and for every day of a week ahead (so each weekday's "this week"), the counts
    equal the lengths of the groups of "my work"; returns today's counts by membership."""
    today_counts = {}
    for membership in memberships:
        acting = acting_of(membership)
        for day in range(8):
            today = TODAY + day * DAY
            groups = {group.key: len(group.items) for group in work_groups_for(acting, today=today)}
            assert work_counts_for(acting, today=today) == groups, (membership.role, day)
        today_counts[membership.pk] = work_counts_for(acting)
    return today_counts


@pytest.fixture
def everyone(world: World, member) -> list[Membership]:  # type: ignore[no-untyped-def]
    """Both case workers of the world, a second case worker in A, and every other role in both organisations."""
    others = [member(role, org) for org in (world.org_a, world.org_b) for role in ROLES]
    return [world.worker_a, world.worker_b, member(Role.CASE_WORKER, world.org_a), *others]


def test_with_nothing_to_do_every_count_is_zero(world: World, everyone: list[Membership]) -> None:
    counts = assert_counts_are_the_groups(*everyone)
    assert all(c == {"overdue": 0, "today": 0, "week": 0, "later": 0} for c in counts.values())


def test_every_kind_of_item_in_two_organisations(world: World, everyone: list[Membership], member) -> None:  # type: ignore[no-untyped-def]
    worker_a, worker_b = world.worker_a, world.worker_b
    # Assistance items of every kind, in both organisations; one case nobody is assigned to, one closed.
    busy_case(worker_a)
    busy_case(worker_b)
    unassigned = busy_case(worker_a)
    unassigned.assigned_to.clear()
    closed = busy_case(worker_b)
    closed.status = "closed"
    closed.save(update_fields=["status"])
    # A review requested earlier than the scheduled one; a recovery period already over.
    case = open_case(worker_a)
    risk_assessment_record(acting=acting_of(worker_a), case=case, level="low", review_on=TODAY + 60 * DAY, factors=[])
    risk_review_request(acting=acting_of(worker_a), case=case, event="return", due_on=TODAY + 2 * DAY)
    recovery_period_start(acting=acting_of(worker_a), case=case, started_on=TODAY - 90 * DAY)
    # A positive reasonable-grounds decision starts the recovery period of the person's case.
    decider = member(Role.DECISION_MAKER, world.org_a)
    decide(decider, submitted_screening(worker_a, case=open_case(worker_a)), "positive", TODAY)
    submitted_screening(worker_a)  # waiting for a decision: the decision makers' work
    # Tasks: open and done, overdue to later, in both organisations.
    for days in (-3, 0, 1, 4, 9, 30):
        task_add(acting=acting_of(worker_a), title="Call the embassy", due_on=TODAY + days * DAY, case=case)
    done = task_add(acting=acting_of(worker_a), title="Done already", due_on=TODAY - DAY)
    task_set_done(acting=acting_of(worker_a), task=done, done=True)
    task_add(acting=acting_of(worker_b), title="Visit the shelter", due_on=TODAY)
    # Referrals from A to B: pending, accepted, declined, and pending with the consent withdrawn.
    withdrawn_consent = give_referral_consent(world, ["languages"], ["shelter"])
    send = {"acting": acting_of(worker_a), "case": world.case, "to_organisation": world.org_b, "services": ["shelter"]}
    referral_send(**send)  # type: ignore[arg-type]
    give_referral_consent(world, ["languages", "exploitation"], ["shelter"])
    referral_send(**send)  # type: ignore[arg-type]
    referral_accept(acting=acting_of(worker_b), referral=referral_send(**send))  # type: ignore[arg-type]
    referral_decline(acting=acting_of(worker_b), referral=referral_send(**send), reason="Full.")  # type: ignore[arg-type]
    consent_withdraw(acting=acting_of(worker_a), consent=withdrawn_consent)

    counts = assert_counts_are_the_groups(*everyone, decider)
    # Not all zero: the comparison above is about real items.
    assert sum(counts[worker_a.pk].values()) > 10
    assert sum(counts[worker_b.pk].values()) >= 5
    assert sum(counts[decider.pk].values()) == 2  # the screening waiting for grounds, the referral awaiting an answer


def test_the_home_page_shows_the_counts_and_their_queries_do_not_grow_with_items(world: World) -> None:
    worker = world.worker_a
    client = signed_in_client(worker)
    busy_case(worker)
    client.get("/")  # warm: the first request reads what later ones have cached
    with CaptureQueriesContext(connection) as one_case:
        response = client.get("/")
    groups = {group.key: len(group.items) for group in work_groups_for(acting_of(worker))}
    assert response.context["work_groups"] == groups
    assert sum(groups.values()) == 4
    for _ in range(3):
        busy_case(worker)
        task_add(acting=acting_of(worker), title="Call the embassy", due_on=TODAY)
    with CaptureQueriesContext(connection) as four_cases:
        response = client.get("/")
    assert response.context["work_groups"] == {
        group.key: len(group.items) for group in work_groups_for(acting_of(worker))
    }
    assert sum(response.context["work_groups"].values()) == 19
    assert len(four_cases) == len(one_case)
