"""Reads for "my work": the acting user's tasks, and the work items grouped by when they are due."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from palermo.audit.services import audited_get
from palermo.permissions import ActingUser, Capability, can
from palermo.worklist.items import WorkItem, work_due_dates_for, work_items_for
from palermo.worklist.models import Task


def task_queryset_for(acting: ActingUser) -> QuerySet[Task]:
    """Tasks assigned to the acting user in the organisation they act for."""
    if acting.membership is None or acting.user is None or not can(acting, Capability.WORK_VIEW):
        return Task.objects.none()
    return Task.objects.filter(organisation_id=acting.membership.organisation_id, assignee_id=acting.user.pk)


def task_get_for(*, acting: ActingUser, task_id: int | str) -> Task:
    return audited_get(acting=acting, queryset=task_queryset_for(acting), object_id=task_id, action="task.view")


def task_anchor(task_id: int) -> str:
    return f"task-{task_id}"


@dataclass(frozen=True)
class WorkGroup:
    key: str  # overdue | today | week | later
    items: list[WorkItem]


GROUP_KEYS = ("overdue", "today", "week", "later")


def _grouping(today: datetime.date | None) -> Callable[[datetime.date], str]:
    """Which group a due date falls in: overdue, today, the rest of this week, later."""
    today = today or timezone.localdate()
    end_of_week = today + datetime.timedelta(days=6 - today.weekday())

    def group_of(due: datetime.date) -> str:
        if due < today:
            return "overdue"
        if due == today:
            return "today"
        return "week" if due <= end_of_week else "later"

    return group_of


def work_groups_for(acting: ActingUser, *, today: datetime.date | None = None) -> list[WorkGroup]:
    """The acting user's work items by when they are due: overdue, today, the rest of this week, later.

    Inside a group, earliest first (the order of `work_items_for`).
    """
    group_of = _grouping(today)
    groups: dict[str, list[WorkItem]] = {key: [] for key in GROUP_KEYS}
    for item in work_items_for(acting):
        groups[group_of(item.due)].append(item)
    return [WorkGroup(key, items) for key, items in groups.items()]


def work_counts_for(acting: ActingUser, *, today: datetime.date | None = None) -> dict[str, int]:
    """How many items each of `work_groups_for`'s groups holds, without building the items (the home page)."""
    group_of = _grouping(today)
    counts = dict.fromkeys(GROUP_KEYS, 0)
    for due in work_due_dates_for(acting):
        counts[group_of(due)] += 1
    return counts
