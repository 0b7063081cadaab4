"""What shows on "my work": items that other apps contribute, computed from their own due dates.

An app registers a source in its AppConfig.ready():

    from palermo.worklist.items import register
    register(referral_work_items)

A source takes the acting Actor and returns the WorkItems that actor should see (already scoped:
the same selectors as the pages). Titles carry references, never names.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from palermo.permissions import Actor


@dataclass(frozen=True)
class WorkItem:
    kind: str  # e.g. "referral.unanswered", "risk.review", "decision.reasonable_grounds"
    title: str  # translated, with pseudonymous references only
    due: datetime.date
    url: str
    case_reference: str = ""

    @property
    def is_overdue(self) -> bool:
        return self.due < timezone.localdate()


WorkSource = Callable[["Actor"], Iterable[WorkItem]]
_SOURCES: list[WorkSource] = []


def register(source: WorkSource) -> WorkSource:
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def work_items_for(actor: Actor) -> list[WorkItem]:
    """Everything due for the actor, earliest first."""
    items = [item for source in _SOURCES for item in source(actor)]
    return sorted(items, key=lambda item: (item.due, item.kind, item.title))
