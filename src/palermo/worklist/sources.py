"""Work items the worklist app knows about itself: manual tasks; and the reasonable-grounds target of
referred screenings, read through the identification app's selectors (its own deadline rule)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from palermo.identification.models import DecisionStage
from palermo.identification.selectors import IdentificationStatus, identification_statuses, screening_queryset_for
from palermo.permissions import ActingUser, Capability, can
from palermo.worklist.items import WorkItem
from palermo.worklist.models import Task
from palermo.worklist.selectors import task_anchor, task_queryset_for


def _open_tasks(acting: ActingUser) -> QuerySet[Task]:
    return task_queryset_for(acting).filter(done_at__isnull=True)


def task_due_dates(acting: ActingUser) -> Iterable[datetime.date]:
    return list(_open_tasks(acting).order_by().values_list("due_on", flat=True))


def task_work_items(acting: ActingUser) -> Iterable[WorkItem]:
    tasks = _open_tasks(acting).select_related("case")
    return [
        WorkItem(
            kind="task",
            title=task.title,
            due=task.due_on,
            url=reverse("worklist:my_work") + f"#{task_anchor(task.pk)}",
            case_reference=task.case.reference if task.case else "",
        )
        for task in tasks
    ]


def _waiting_for_grounds(acting: ActingUser) -> list[IdentificationStatus]:
    """Referred screenings still waiting for a reasonable-grounds decision, for decision makers."""
    if not can(acting, Capability.DECISION_RECORD):
        return []
    # A screening with any reasonable-grounds decision (even a superseded one has its successor) is
    # not waiting; leaving those out keeps this to the queue, however long the history.
    referred = (
        screening_queryset_for(acting)
        .filter(submitted_for_decision_at__isnull=False)
        .exclude(decisions__stage=DecisionStage.REASONABLE_GROUNDS)
        .select_related("organisation")
    )
    return [
        status
        for status in identification_statuses(list(referred))
        if status.grounds is None and status.grounds_due is not None
    ]


def reasonable_grounds_due_dates(acting: ActingUser) -> Iterable[datetime.date]:
    return [status.grounds_due for status in _waiting_for_grounds(acting) if status.grounds_due is not None]


def reasonable_grounds_work_items(acting: ActingUser) -> Iterable[WorkItem]:
    """The screening's own reference is personal data (encrypted), so the title names its number."""
    return [
        WorkItem(
            kind="decision.reasonable_grounds",
            title=_("Reasonable-grounds decision on screening %(number)s") % {"number": status.screening.pk},
            due=status.grounds_due,  # type: ignore[arg-type]  # filtered: never None
            url=reverse("identification:decisions", kwargs={"screening_id": status.screening.pk}),
        )
        for status in _waiting_for_grounds(acting)
    ]
