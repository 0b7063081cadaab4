"""Work items the worklist app knows about itself: manual tasks; and the reasonable-grounds target of
referred screenings, read through the identification app's selectors (its own deadline rule)."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from palermo.identification.models import DecisionStage
from palermo.identification.selectors import identification_statuses, screening_queryset_for
from palermo.permissions import Actor, Capability, can
from palermo.worklist.items import WorkItem
from palermo.worklist.selectors import task_anchor, task_queryset_for


def task_work_items(actor: Actor) -> Iterable[WorkItem]:
    tasks = task_queryset_for(actor).filter(done_at__isnull=True).select_related("case")
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


def reasonable_grounds_work_items(actor: Actor) -> Iterable[WorkItem]:
    """Referred screenings still waiting for a reasonable-grounds decision, for decision makers.

    The screening's own reference is personal data (encrypted), so the title names its number.
    """
    if not can(actor, Capability.DECISION_RECORD):
        return []
    # A screening with any reasonable-grounds decision (even a superseded one has its successor) is
    # not waiting; leaving those out keeps this to the queue, however long the history.
    referred = (
        screening_queryset_for(actor)
        .filter(referred_at__isnull=False)
        .exclude(decisions__stage=DecisionStage.REASONABLE_GROUNDS)
        .select_related("organisation")
    )
    items = []
    for status in identification_statuses(list(referred)):
        screening = status.screening
        if status.grounds is not None or status.grounds_due is None:
            continue
        items.append(
            WorkItem(
                kind="decision.reasonable_grounds",
                title=_("Reasonable-grounds decision on screening %(number)s") % {"number": screening.pk},
                due=status.grounds_due,
                url=reverse("identification:decisions", kwargs={"screening_id": screening.pk}),
            )
        )
    return items
