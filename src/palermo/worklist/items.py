"""What shows on "my work": items that other apps contribute, computed from their own due dates.

An app registers a source in its AppConfig.ready():

    from palermo.worklist.items import register
    register(referral_work_items, due_dates=referral_due_dates)

A source takes the ActingUser and returns the WorkItems that user should see (already scoped:
the same selectors as the pages). Titles carry references, never names. Its `due_dates` returns the
due date of each of those same items without building them (no titles, links or translations), for
the home page's counts: both read through one queryset-building function, so the rule is written once.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from palermo.permissions import ActingUser


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


@dataclass(frozen=True)
class WorkSource:
    items: Callable[[ActingUser], Iterable[WorkItem]]
    due_dates: Callable[[ActingUser], Iterable[datetime.date]]  # one per item `items` returns, same order or not


_SOURCES: list[WorkSource] = []


def register(
    items: Callable[[ActingUser], Iterable[WorkItem]], *, due_dates: Callable[[ActingUser], Iterable[datetime.date]]
) -> None:
    source = WorkSource(items, due_dates)
    if source not in _SOURCES:
        _SOURCES.append(source)


def work_items_for(acting: ActingUser) -> list[WorkItem]:
    """Everything due for the acting user, earliest first."""
    items = [item for source in _SOURCES for item in source.items(acting)]
    return sorted(items, key=lambda item: (item.due, item.kind, item.title))


def work_due_dates_for(acting: ActingUser) -> list[datetime.date]:
    """The due date of each of `work_items_for(actor)`, without building the items (in no order)."""
    return [due for source in _SOURCES for due in source.due_dates(acting)]
