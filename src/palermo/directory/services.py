"""Writes to the actor directory: coordinators add entries and keep their own organisation's up to date."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from palermo.audit.services import audit_record
from palermo.common.catalogue import SERVICE_CODES
from palermo.directory.models import STAGE_CODES, DirectoryEntry
from palermo.organisations.models import Organisation
from palermo.permissions import (
    ActingUser,
    Capability,
    can,
    is_operator,
    may_change_directory_entry,
    may_link_directory_entry,
    require,
)

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


def _link_refused() -> PermissionDenied:
    return PermissionDenied(
        _("Only this organisation's coordinators, or the deployment coordinator, can link an entry to it.")
    )


def _audit_entry_change(
    *, acting: ActingUser, action: str, entry: DirectoryEntry, concerned: set[int], detail: dict
) -> None:
    """The actor's trail, and the trail of every other organisation the entry describes or described:
    an organisation learns from its own audit trail that someone else changed what the directory says of it."""
    audit_record(acting=acting, action=action, target=entry, detail=detail)
    own = acting.membership.organisation_id if acting.membership else None
    for organisation_id in sorted(concerned - {own}):
        audit_record(acting=acting, action=action, target=entry, organisation_id=organisation_id, detail=detail)


@transaction.atomic
def directory_entry_create(
    *, acting: ActingUser, maintained_by: Organisation | None = None, **fields: Any
) -> DirectoryEntry:
    """A new entry, maintained by the acting organisation, or, when it describes a Palermo organisation,
    by that organisation (see `permissions.may_link_directory_entry` for who may link one). The operator
    (command line) acts for no organisation and names `maintained_by` for an entry that is not linked."""
    if not is_operator(acting):
        require(acting, Capability.PLANNING_MANAGE)
        assert acting.membership is not None
        if maintained_by is not None:
            raise ValidationError({"maintained_by": [_("This field cannot be set.")]})
        maintained_by = acting.membership.organisation
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: [_("This field cannot be set.")] for field in sorted(unknown)})
    linked = fields.get("linked_organisation")
    if not may_link_directory_entry(acting, linked.pk if linked is not None else None):
        raise _link_refused()
    maintained_by = linked or maintained_by
    if maintained_by is None:
        raise ValidationError({"maintained_by": [_("Name the organisation that maintains this entry.")]})
    entry = DirectoryEntry(maintained_by=maintained_by, created_by=acting.user, **fields)
    _clean_codes(entry)
    _check_link(entry)
    entry.full_clean(exclude=["created_by"])  # the operator (command line) is no user
    entry.save()
    concerned = {entry.linked_organisation_id} if entry.linked_organisation_id else set()
    _audit_entry_change(acting=acting, action="directory.create", entry=entry, concerned=concerned, detail={})
    return entry


@transaction.atomic
def directory_entry_update(*, acting: ActingUser, entry: DirectoryEntry, **fields: Any) -> DirectoryEntry:
    """Change an entry; only the coordinators of the organisation it belongs to
    (`permissions.may_change_directory_entry`) or the deployment coordinator may."""
    require(acting, Capability.PLANNING_MANAGE)
    entry = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
    if not directory_entry_may_change(acting, entry):
        raise PermissionDenied("directory.maintain")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: [_("This field cannot be set.")] for field in sorted(unknown)})
    concerned = {entry.linked_organisation_id, entry.maintained_by_id}
    changed = []
    for name, value in fields.items():
        attribute = "linked_organisation_id" if name == "linked_organisation" else name
        new = value.pk if name == "linked_organisation" and value is not None else value
        if getattr(entry, attribute) != new:
            if name == "linked_organisation" and not may_link_directory_entry(acting, new):
                raise _link_refused()
            setattr(entry, name, value)
            changed.append(name)
    if not changed:
        return entry
    _clean_codes(entry)
    _check_link(entry)
    entry.full_clean(exclude=["created_by"])  # the operator (command line) is no user
    # An entry that describes a Palermo organisation is that organisation's to maintain.
    if entry.linked_organisation_id:
        entry.maintained_by_id = entry.linked_organisation_id
    entry.save()
    concerned |= {entry.linked_organisation_id, entry.maintained_by_id}
    _audit_entry_change(
        acting=acting,
        action="directory.update",
        entry=entry,
        concerned={pk for pk in concerned if pk},
        detail={"fields": sorted(changed)},
    )
    return entry


def directory_entry_may_change(acting: ActingUser, entry: DirectoryEntry) -> bool:
    """For pages: whether to offer the change link (the service checks again)."""
    return can(acting, Capability.PLANNING_MANAGE) and may_change_directory_entry(
        acting, linked_organisation_id=entry.linked_organisation_id, maintained_by_id=entry.maintained_by_id
    )
