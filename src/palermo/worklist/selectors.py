"""Reads for "my work": the actor's tasks, and the work items grouped by when they are due."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from palermo.audit.services import audited_get
from palermo.permissions import Actor, Capability, can
from palermo.worklist.items import WorkItem, work_items_for
from palermo.worklist.models import Task


def task_queryset_for(actor: Actor) -> QuerySet[Task]:
    """Tasks assigned to the actor in the organisation they act for."""
    if actor.membership is None or actor.user is None or not can(actor, Capability.WORK_VIEW):
        return Task.objects.none()
    return Task.objects.filter(organisation_id=actor.membership.organisation_id, assignee_id=actor.user.pk)


def task_get_for(*, actor: Actor, task_id: int | str) -> Task:
    return audited_get(actor=actor, queryset=task_queryset_for(actor), object_id=task_id, action="task.view")


def task_anchor(task_id: int) -> str:
    return f"task-{task_id}"


@dataclass(frozen=True)
class WorkGroup:
    key: str  # overdue | today | week | later
    items: list[WorkItem]


def work_groups_for(actor: Actor, *, today: datetime.date | None = None) -> list[WorkGroup]:
    """The actor's work items by when they are due: overdue, today, the rest of this week, later.

    Inside a group, earliest first (the order of `work_items_for`).
    """
    today = today or timezone.localdate()
    end_of_week = today + datetime.timedelta(days=6 - today.weekday())
    groups: dict[str, list[WorkItem]] = {"overdue": [], "today": [], "week": [], "later": []}
    for item in work_items_for(actor):
        if item.due < today:
            groups["overdue"].append(item)
        elif item.due == today:
            groups["today"].append(item)
        elif item.due <= end_of_week:
            groups["week"].append(item)
        else:
            groups["later"].append(item)
    return [WorkGroup(key, items) for key, items in groups.items()]
