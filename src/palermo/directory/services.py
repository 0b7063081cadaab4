"""Writes to the actor directory: coordinators add entries and keep their own organisation's up to date."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from palermo.assistance.catalogue import SERVICE_CODES
from palermo.audit.services import audit_record
from palermo.directory.models import STAGE_CODES, DirectoryEntry
from palermo.permissions import Actor, Capability, can, require

EDITABLE_FIELDS = (
    "name",
    "actor_type",
    "level",
    "country",
    "region",
    "municipality",
    "stages",
    "services",
    "languages",
    "description",
    "opening_hours",
    "always_open",
    "safe_contact",
    "website",
    "linked_organisation",
)
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


def _clean_codes(entry: DirectoryEntry) -> None:
    """Lists of codes: known codes only, each once, in a stable order."""
    errors: dict[str, list[str]] = {}
    stages = list(entry.stages or [])
    if unknown := [s for s in stages if s not in STAGE_CODES]:
        errors["stages"] = [_("Unknown stage: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}]
    services = list(entry.services or [])
    if unknown := [s for s in services if s not in SERVICE_CODES]:
        errors["services"] = [_("Unknown service: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}]
    languages = [str(code).strip().lower() for code in entry.languages or [] if str(code).strip()]
    if wrong := [code for code in languages if not LANGUAGE_CODE.match(code)]:
        errors["languages"] = [
            _("Use two-letter ISO 639-1 language codes, e.g. en, fr (not %(codes)s).") % {"codes": ", ".join(wrong)}
        ]
    if errors:
        raise ValidationError(errors)
    entry.stages = [s for s in STAGE_CODES if s in stages]
    entry.services = sorted(set(services))
    entry.languages = list(dict.fromkeys(languages))


def _check_link(entry: DirectoryEntry) -> None:
    if entry.linked_organisation_id is None:
        return
    taken = DirectoryEntry.objects.filter(linked_organisation_id=entry.linked_organisation_id).exclude(pk=entry.pk)
    if taken.exists():
        raise ValidationError(
            {"linked_organisation": [_("This organisation already has a directory entry: change that one instead.")]}
        )


@transaction.atomic
def directory_entry_create(*, actor: Actor, **fields: Any) -> DirectoryEntry:
    """A new entry, maintained by the acting organisation (or by `maintained_by` for the system)."""
    require(actor, Capability.PLANNING_MANAGE)
    assert actor.membership is not None
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: [_("This field cannot be set.")] for field in sorted(unknown)})
    entry = DirectoryEntry(maintained_by=actor.membership.organisation, created_by=actor.user, **fields)
    _clean_codes(entry)
    _check_link(entry)
    entry.full_clean()
    entry.save()
    audit_record(actor=actor, action="directory.create", target=entry)
    return entry


@transaction.atomic
def directory_entry_update(*, actor: Actor, entry: DirectoryEntry, **fields: Any) -> DirectoryEntry:
    """Change an entry; only coordinators of the organisation that maintains it may."""
    require(actor, Capability.PLANNING_MANAGE)
    if actor.membership is None or entry.maintained_by_id != actor.membership.organisation_id:
        raise PermissionDenied("directory.maintain")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: [_("This field cannot be set.")] for field in sorted(unknown)})
    entry = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
    changed = []
    for name, value in fields.items():
        attribute = "linked_organisation_id" if name == "linked_organisation" else name
        new = value.pk if name == "linked_organisation" and value is not None else value
        if getattr(entry, attribute) != new:
            setattr(entry, name, value)
            changed.append(name)
    if not changed:
        return entry
    _clean_codes(entry)
    _check_link(entry)
    entry.full_clean()
    entry.save()
    audit_record(actor=actor, action="directory.update", target=entry, detail={"fields": sorted(changed)})
    return entry


def directory_entry_may_change(actor: Actor, entry: DirectoryEntry) -> bool:
    """For pages: whether to offer the change link (the service checks again)."""
    return (
        can(actor, Capability.PLANNING_MANAGE)
        and actor.membership is not None
        and entry.maintained_by_id == actor.membership.organisation_id
    )
