"""Reads of people records, already scoped to what the acting user may see, and audited.

Every read of a personal record goes through here, so no channel can skip the audit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from palermo.audit.services import audit_record, audited_get
from palermo.people.models import Person
from palermo.people.search import LIMIT, search_hits
from palermo.people.services import person_name_index
from palermo.permissions import ActingUser, Capability, can, personal_record_scope


def person_queryset_for(acting: ActingUser) -> QuerySet[Person]:
    """People the acting user may see (not audited: callers audit what they show)."""
    scope = personal_record_scope(acting)
    if scope is None:
        return Person.objects.none()
    return Person.objects.filter(**scope)


def person_list_for(*, acting: ActingUser) -> QuerySet[Person]:
    """The people list of a page or endpoint: refused outright to roles that never see people."""
    if personal_record_scope(acting) is None:
        raise PermissionDenied("person.list")
    return person_queryset_for(acting)


def person_list_audited(*, acting: ActingUser, people: list[Person]) -> list[Person]:
    """Record that a page of people was shown (their ids, not their names)."""
    if people:
        audit_record(acting=acting, action="person.list", detail={"ids": [p.pk for p in people]})
    return people


def person_get_for(*, acting: ActingUser, person_id: int | str) -> Person:
    """One person the acting user may see; 404 alike for missing and for out of scope."""
    return audited_get(acting=acting, queryset=person_queryset_for(acting), object_id=person_id, action="person.view")


def person_find_by_name(*, acting: ActingUser, full_name: str) -> QuerySet[Person]:
    """Exact match on the normalised full name, through the blind index."""
    return person_list_for(acting=acting).filter(name_index=person_name_index(full_name, ""))


# What a list of results shows: the other fields stay encrypted in the row (and load if asked for).
BRIEF_FIELDS: tuple[str, ...] = ("organisation_id", "created_by_id", "reference", "given_names", "family_name")
BRIEF_FIELDS += ("name_original_script", "date_of_birth", "created_at")


def _ranked(acting: ActingUser, scope: dict[str, Any], ids: list[int]) -> list[Person]:
    by_id = {p.pk: p for p in Person.objects.filter(pk__in=ids, **scope).only(*BRIEF_FIELDS)}
    return [by_id[pk] for pk in ids if pk in by_id]


def person_search(
    *,
    acting: ActingUser,
    query: str,
    date_of_birth: datetime.date | None = None,
    citizenship: str | None = None,
    limit: int = LIMIT,
) -> list[Person]:
    """People in the acting user's scope whose name is like `query`, best first (see palermo.people.search).

    Accent, case, typo, phonetic and script tolerant; the filters match exactly. The audit
    entry holds the ids found and which filters were used, never the query.
    """
    scope = personal_record_scope(acting)
    if scope is None:
        raise PermissionDenied("person.search")
    hits = search_hits(scope=scope, query=query, date_of_birth=date_of_birth, citizenship=citizenship, limit=limit)
    people = _ranked(acting, scope, [hit.person_id for hit in hits])
    audit_record(
        acting=acting,
        action="person.search",
        detail={
            "ids": [p.pk for p in people],
            "filters": [
                name for name, value in (("date_of_birth", date_of_birth), ("citizenship", citizenship)) if value
            ],
        },
    )
    return people


def person_possible_duplicates(
    *,
    acting: ActingUser,
    given_names: str = "",
    family_name: str = "",
    aliases: list[str] | None = None,
    name_original_script: str = "",
    date_of_birth: datetime.date | None = None,
    exclude: Person | None = None,
    limit: int = 5,
) -> list[Person]:
    """Likely duplicates of a person about to be recorded, inside the acting user's organisation.

    Looks at the whole organisation even for a first responder (who sees only their own
    records otherwise), because a duplicate recorded by a colleague is what matters; the
    page then shows only the reference and the date of birth of those outside the
    acting user's own scope (see `person_visible_to`). Audited by ids, never by name.
    """
    if not can(acting, Capability.PERSON_CREATE) and not can(acting, Capability.PERSON_CHANGE):
        raise PermissionDenied("person.duplicates")
    assert acting.membership is not None
    query = " ".join([given_names, family_name, name_original_script, *(aliases or [])])
    scope = {"organisation_id": acting.membership.organisation_id}
    hits = search_hits(
        scope=scope,
        query=query,
        limit=limit,
        threshold=0.6,
        exclude_person_id=exclude.pk if exclude else None,
    )
    if date_of_birth:
        # Same name and same birth date first: the likeliest duplicates.
        same_day = {
            h.person_id
            for h in search_hits(scope=scope, query=query, date_of_birth=date_of_birth, limit=limit, threshold=0.6)
        }
        hits.sort(key=lambda h: (h.person_id not in same_day, -h.score))
    people = _ranked(acting, scope, [hit.person_id for hit in hits])
    if people:
        audit_record(acting=acting, action="person.duplicates", detail={"ids": [p.pk for p in people]})
    return people


def person_visible_to(acting: ActingUser, person: Person) -> bool:
    scope = personal_record_scope(acting) or {}
    return bool(scope) and all(getattr(person, name) == value for name, value in scope.items())
