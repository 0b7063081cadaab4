"""Writes to people records: permission first, then the change, its search tokens and its audit entry."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.audit.services import audit_record
from palermo.encryption.keyring import blind_index
from palermo.people import choices
from palermo.people.models import Person, Sex
from palermo.people.search import person_reindex
from palermo.permissions import ActingUser, Capability, require

NAME_INDEX = "person-name"
REFERENCE_PREFIX = "P"

# Everything a person may tell us, and what it is when they did not say.
PERSONAL_FIELDS: dict[str, Any] = {
    "given_names": "",
    "family_name": "",
    "aliases": list,
    "name_original_script": "",
    "date_of_birth": None,
    "estimated_age": None,
    "sex": "",
    "gender_identity": "",
    "citizenships": list,
    "languages": list,
    "interpreter_needed": None,
    "safe_contact": "",
    "residence_status": "",
    "dependants": "",
}
TEXT_FIELDS = [name for name, empty in PERSONAL_FIELDS.items() if empty == ""]
MAX_AGE = 120


def person_name_index(given_names: str, family_name: str) -> str:
    return blind_index(f"{given_names} {family_name}", NAME_INDEX)


def reference_next(organisation_id: int, year: int | None = None) -> str:
    """The next free reference of the organisation for this year: P-2026-00042."""
    year = year or timezone.localdate().year
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    last = (
        Person.objects.filter(organisation_id=organisation_id, reference__startswith=prefix)
        .order_by(Length("reference").desc(), "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:05d}"


def _clean_list(values: Any) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = values.split(",")
    seen: list[str] = []
    for value in values:
        text = " ".join(str(value).split())
        if text and text not in seen:
            seen.append(text)
    return seen


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PERSONAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    clean = dict(fields)
    for name in TEXT_FIELDS:
        if name in clean:
            clean[name] = (clean[name] or "").strip()
    for name in ("aliases", "citizenships", "languages"):
        if name in clean:
            clean[name] = _clean_list(clean[name])
    if "citizenships" in clean:
        clean["citizenships"] = [code.upper() for code in clean["citizenships"]]
    if "languages" in clean:
        clean["languages"] = [code.lower() for code in clean["languages"]]
    return clean


def _validate(person: Person) -> None:
    errors: dict[str, str] = {}
    born = person.date_of_birth
    if born and born > timezone.localdate():
        errors["date_of_birth"] = _("The date of birth cannot be in the future.")
    age = person.estimated_age
    if age is not None and (not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= MAX_AGE):
        errors["estimated_age"] = _("The estimated age is a whole number of years from 0 to %(max)s.") % {
            "max": MAX_AGE
        }
    if person.sex and person.sex not in Sex.values:
        errors["sex"] = _("Choose one of the listed options for sex.")
    wrong = [code for code in person.citizenships or [] if code not in choices.COUNTRY_CODES]
    if wrong:
        errors["citizenships"] = _("Unknown country code: %(codes)s.") % {"codes": ", ".join(wrong)}
    wrong = [code for code in person.languages or [] if code not in choices.LANGUAGE_CODES]
    if wrong:
        errors["languages"] = _("Unknown language code: %(codes)s.") % {"codes": ", ".join(wrong)}
    if person.interpreter_needed not in (None, True, False):
        errors["interpreter_needed"] = _("Say yes, no or unknown.")
    if errors:
        raise ValidationError(errors)
    person.full_clean(exclude=["organisation", "created_by", "name_index", "reference", *PERSONAL_FIELDS])


def _fill_indexes(person: Person) -> None:
    person.name_index = person_name_index(person.given_names, person.family_name)


@transaction.atomic
def person_create(*, acting: ActingUser, **fields: Any) -> Person:
    """Record a person; every field is optional (people may refuse to give their name)."""
    require(acting, Capability.PERSON_CREATE)
    assert acting.membership is not None
    assert acting.user is not None
    values = {name: (empty() if callable(empty) else empty) for name, empty in PERSONAL_FIELDS.items()}
    values.update(_normalise(fields))
    person = Person(organisation=acting.membership.organisation, created_by=acting.user, **values)
    _validate(person)
    _fill_indexes(person)
    for attempt in range(5):
        person.reference = reference_next(person.organisation_id)
        try:
            with transaction.atomic():  # a savepoint: two people recorded at once may race for a number
                person.save()
            break
        except IntegrityError:
            if attempt == 4:
                raise
    person_reindex(person)
    audit_record(acting=acting, action="person.create", target=person)
    return person


@transaction.atomic
def person_update(*, acting: ActingUser, person: Person, **fields: Any) -> Person:
    """Change a person's details; `person` must come from a selector scoped to the acting user.

    Only the fields given change; the audit entry names them, never their values.
    """
    require(acting, Capability.PERSON_CHANGE)
    values = _normalise(fields)
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    for name, value in values.items():
        setattr(person, name, value)
    _validate(person)
    _fill_indexes(person)
    person.save()
    person_reindex(person)
    audit_record(acting=acting, action="person.update", target=person, detail={"fields": changed})
    return person


def person_age(person: Person, today: datetime.date | None = None) -> int | None:
    """Age in years from the date of birth, else the estimate; None when unknown."""
    born = person.date_of_birth
    if isinstance(born, datetime.date):
        today = today or timezone.localdate()
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return person.estimated_age if isinstance(person.estimated_age, int) else None
