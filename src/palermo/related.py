"""Attach the rows that foreign keys point to, read once for several lists.

    attach_related(User.objects.only("id", "email", "full_name"), (notes, ("author",)), (events, ("by",)))

`select_related` on every list of a page builds a joined query per list, and on the busiest pages
building those queries cost more CPU than the database spent answering them. This reads the
pointed-to rows in one query and fills each relation's cache, so reading `note.author` queries nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Model, QuerySet


def attach_related(queryset: QuerySet[Any], *groups: tuple[Iterable[Model | None], Sequence[str]]) -> None:
    """For each (rows, relation names) group, set every named relation of every row from `queryset`."""
    lists = [([row for row in rows if row is not None], names) for rows, names in groups]
    wanted = {getattr(row, f"{name}_id") for rows, names in lists for row in rows for name in names} - {None}
    found = queryset.in_bulk(wanted) if wanted else {}
    for rows, names in lists:
        for row in rows:
            for name in names:
                pk = getattr(row, f"{name}_id")
                if pk is not None:
                    setattr(row, name, found[pk])
