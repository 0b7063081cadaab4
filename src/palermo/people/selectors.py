"""Reads of people records, already scoped to what the actor may see, and audited.

Every read of a personal record goes through here, so no channel can skip the audit.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from palermo.audit.services import audit_record, audited_get
from palermo.people.models import Person
from palermo.people.services import person_name_index
from palermo.permissions import Actor, personal_record_scope


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
    """One person the actor may see; 404 alike for missing and for out of scope."""
    return audited_get(actor=actor, queryset=person_queryset_for(actor), object_id=person_id, action="person.view")


def person_find_by_name(*, actor: Actor, full_name: str) -> QuerySet[Person]:
    """Exact match on the normalised full name, through the blind index."""
    return person_list_for(actor=actor).filter(name_index=person_name_index(full_name, ""))
