"""Writes to people records: permission first, then the change and its audit entry."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.audit.services import audit_record
from palermo.encryption.keyring import blind_index
from palermo.people.models import Person
from palermo.permissions import Actor, Capability, require

NAME_INDEX = "person-name"


def person_name_index(given_names: str, family_name: str) -> str:
    return blind_index(f"{given_names} {family_name}", NAME_INDEX)


def _validate(person: Person) -> None:
    if person.date_of_birth and person.date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": _("The date of birth cannot be in the future.")})
    person.full_clean(exclude=["organisation", "created_by", "name_index"])


@transaction.atomic
def person_create(
    *, actor: Actor, given_names: str, family_name: str = "", date_of_birth: datetime.date | None = None
) -> Person:
    require(actor, Capability.PERSON_CREATE)
    assert actor.membership is not None
    assert actor.user is not None
    person = Person(
        organisation=actor.membership.organisation,
        created_by=actor.user,
        given_names=given_names.strip(),
        family_name=family_name.strip(),
        date_of_birth=date_of_birth,  # type: ignore[misc]  # an encrypted date: stored as text, typed as a date
    )
    _validate(person)
    person.name_index = person_name_index(person.given_names, person.family_name)
    person.save()
    audit_record(actor=actor, action="person.create", target=person)
    return person


@transaction.atomic
def person_update(
    *,
    actor: Actor,
    person: Person,
    given_names: str,
    family_name: str,
    date_of_birth: datetime.date | None,
) -> Person:
    """Change a person's details; `person` must come from a selector scoped to the actor."""
    require(actor, Capability.PERSON_CHANGE)
    changed = [
        name
        for name, value in (
            ("given_names", given_names.strip()),
            ("family_name", family_name.strip()),
            ("date_of_birth", date_of_birth),
        )
        if getattr(person, name) != value
    ]
    person.given_names, person.family_name = given_names.strip(), family_name.strip()
    person.date_of_birth = date_of_birth
    _validate(person)
    person.name_index = person_name_index(person.given_names, person.family_name)
    person.save(update_fields=["given_names", "family_name", "date_of_birth", "name_index", "updated_at"])
    audit_record(actor=actor, action="person.update", target=person, detail={"fields": changed})
    return person
