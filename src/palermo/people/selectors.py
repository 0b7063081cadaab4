"""Reads of people records, already scoped to what the actor may see, and audited.

Every read of a personal record goes through here, so no channel can skip the audit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from palermo.audit.services import audit_record
from palermo.joined import scoped_get
from palermo.people.models import Person
from palermo.people.search import LIMIT, search_hits
from palermo.people.services import person_name_index
from palermo.permissions import Actor, Capability, can, personal_record_scope


def person_queryset_for(actor: Actor) -> QuerySet[Person]:
    """People the actor may see (not audited: callers audit what they show)."""
    scope = personal_record_scope(actor)
    if scope is None:
        return Person.objects.none()
    return Person.objects.filter(**scope)


def person_list_for(*, actor: Actor) -> QuerySet[Person]:
    """The people list of a page or endpoint: refused outright to roles that never see people."""
    if personal_record_scope(actor) is None:
        raise PermissionDenied("person.list")
    return person_queryset_for(actor)


def person_list_audited(*, actor: Actor, people: list[Person]) -> list[Person]:
    """Record that a page of people was shown (their ids, not their names)."""
    if people:
        audit_record(actor=actor, action="person.list", detail={"ids": [p.pk for p in people]})
    return people


def person_get_for(*, actor: Actor, person_id: int | str) -> Person:
    """One person the actor may see; 404 alike for missing and for out of scope.

    `audited_get` on `person_queryset_for`, with the row read by a statement written once: this
    read runs on every view of a person (see palermo.joined).
    """
    scope = personal_record_scope(actor)
    person = scoped_get(Person, person_id, scope) if scope is not None else None
    if person is None:
        raise Http404
    audit_record(actor=actor, action="person.view", target=person)
    return person


def person_find_by_name(*, actor: Actor, full_name: str) -> QuerySet[Person]:
    """Exact match on the normalised full name, through the blind index."""
    return person_list_for(actor=actor).filter(name_index=person_name_index(full_name, ""))


# What a list of results shows: the other fields stay encrypted in the row (and load if asked for).
BRIEF_FIELDS: tuple[str, ...] = ("organisation_id", "created_by_id", "reference", "given_names", "family_name")
BRIEF_FIELDS += ("name_original_script", "date_of_birth", "created_at")


def _ranked(actor: Actor, scope: dict[str, Any], ids: list[int]) -> list[Person]:
    by_id = {p.pk: p for p in Person.objects.filter(pk__in=ids, **scope).only(*BRIEF_FIELDS)}
    return [by_id[pk] for pk in ids if pk in by_id]


def person_search(
    *,
    actor: Actor,
    query: str,
    date_of_birth: datetime.date | None = None,
    citizenship: str | None = None,
    limit: int = LIMIT,
) -> list[Person]:
    """People in the actor's scope whose name is like `query`, best first (see palermo.people.search).

    Accent, case, typo, phonetic and script tolerant; the filters match exactly. The audit
    entry holds the ids found and which filters were used, never the query.
    """
    scope = personal_record_scope(actor)
    if scope is None:
        raise PermissionDenied("person.search")
    hits = search_hits(scope=scope, query=query, date_of_birth=date_of_birth, citizenship=citizenship, limit=limit)
    people = _ranked(actor, scope, [hit.person_id for hit in hits])
    audit_record(
        actor=actor,
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
    actor: Actor,
    given_names: str = "",
    family_name: str = "",
    aliases: list[str] | None = None,
    name_original_script: str = "",
    date_of_birth: datetime.date | None = None,
    exclude: Person | None = None,
    limit: int = 5,
) -> list[Person]:
    """Likely duplicates of a person about to be recorded, inside the actor's organisation.

    Looks at the whole organisation even for a first responder (who sees only their own
    records otherwise), because a duplicate recorded by a colleague is what matters; the
    page then shows only the reference and the date of birth of those outside the
    actor's own scope (see `person_visible_to`). Audited by ids, never by name.
    """
    if not can(actor, Capability.PERSON_CREATE) and not can(actor, Capability.PERSON_CHANGE):
        raise PermissionDenied("person.duplicates")
    assert actor.membership is not None
    query = " ".join([given_names, family_name, name_original_script, *(aliases or [])])
    scope = {"organisation_id": actor.membership.organisation_id}
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
    people = _ranked(actor, scope, [hit.person_id for hit in hits])
    if people:
        audit_record(actor=actor, action="person.duplicates", detail={"ids": [p.pk for p in people]})
    return people


def person_visible_to(actor: Actor, person: Person) -> bool:
    scope = personal_record_scope(actor) or {}
    return bool(scope) and all(getattr(person, name) == value for name, value in scope.items())
