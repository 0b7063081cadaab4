"""Writes to response matrices.

Adding an action always inserts a row, so two groups adding to the same cell at once both keep
their work. Changing or removing one carries the version the person started from: if someone else
changed it meanwhile, `ActionConflict` is raised with the other person's version and nothing is
written, so the page can show both and nothing is lost.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.audit.services import audit_record
from palermo.directory.models import DirectoryEntry
from palermo.matrix.imports import read_matrix_xlsx
from palermo.matrix.models import AREAS, LEVELS, MAX_ACTION_LENGTH, RESPONSIBLE, STAGES, MatrixAction, ResponseMatrix
from palermo.organisations.models import Organisation
from palermo.permissions import ActingUser, Capability, can, require


class ActionConflict(Exception):
    """Someone else changed or removed the action since the form was opened."""

    def __init__(self, current: MatrixAction | None) -> None:
        super().__init__("stale version")
        self.current = current  # None when the other person removed it


def matrix_may_manage(acting: ActingUser, matrix: ResponseMatrix) -> bool:
    """The owner's coordinators change the matrix itself (title, date, participants, partners)."""
    return (
        can(acting, Capability.PLANNING_MANAGE)
        and acting.membership is not None
        and matrix.organisation_id == acting.membership.organisation_id
    )


def matrix_may_contribute(acting: ActingUser, matrix: ResponseMatrix) -> bool:
    """Coordinators of the owner or of a partner organisation add and change actions."""
    if not can(acting, Capability.PLANNING_MANAGE) or acting.membership is None:
        return False
    organisation_id = acting.membership.organisation_id
    return matrix.organisation_id == organisation_id or matrix.partners.filter(pk=organisation_id).exists()


def _require_contribute(acting: ActingUser, matrix: ResponseMatrix) -> None:
    require(acting, Capability.PLANNING_MANAGE)
    if not matrix_may_contribute(acting, matrix):
        raise PermissionDenied("matrix.contribute")


def _clean_matrix(title: str, held_on: datetime.date | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the matrix a title, e.g. the workshop's name.")]
    if held_on is None:
        errors["held_on"] = [_("Give the date of the workshop or meeting.")]
    return errors


@transaction.atomic
def matrix_create(
    *,
    acting: ActingUser,
    title: str,
    held_on: datetime.date | None,
    participants: str = "",
    description: str = "",
    partners: Iterable[Organisation] = (),
) -> ResponseMatrix:
    require(acting, Capability.PLANNING_MANAGE)
    assert acting.membership is not None
    if errors := _clean_matrix(title, held_on):
        raise ValidationError(errors)
    matrix = ResponseMatrix.objects.create(
        organisation=acting.membership.organisation,
        title=title.strip(),
        held_on=held_on,  # type: ignore[misc]  # checked above
        participants=participants.strip(),
        description=description.strip(),
        created_by=acting.user,
    )
    matrix.partners.set([p for p in partners if p.pk != matrix.organisation_id])
    audit_record(acting=acting, action="matrix.create", target=matrix)
    return matrix


@transaction.atomic
def matrix_update(
    *,
    acting: ActingUser,
    matrix: ResponseMatrix,
    title: str,
    held_on: datetime.date | None,
    participants: str = "",
    description: str = "",
    partners: Iterable[Organisation] = (),
) -> ResponseMatrix:
    require(acting, Capability.PLANNING_MANAGE)
    if not matrix_may_manage(acting, matrix):
        raise PermissionDenied("matrix.manage")
    if errors := _clean_matrix(title, held_on):
        raise ValidationError(errors)
    matrix.title, matrix.held_on = title.strip(), held_on  # type: ignore[assignment]
    matrix.participants, matrix.description = participants.strip(), description.strip()
    matrix.save(update_fields=["title", "held_on", "participants", "description", "updated_at"])
    matrix.partners.set([p for p in partners if p.pk != matrix.organisation_id])
    audit_record(acting=acting, action="matrix.update", target=matrix)
    return matrix


def _clean_action(*, level: str, area: str, stage: str, text: str, responsible: Iterable[str]) -> tuple[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if level not in LEVELS:
        errors["level"] = [_("Choose the policy or the outreach level.")]
    if area not in AREAS:
        errors["area"] = [_("Choose one of the four response areas.")]
    if stage not in STAGES:
        errors["stage"] = [_("Choose source, transit or destination.")]
    text = (text or "").strip()
    if not text:
        errors["text"] = [_("Describe the action.")]
    elif len(text) > MAX_ACTION_LENGTH:
        errors["text"] = [_("Keep the action under %(count)d characters.") % {"count": MAX_ACTION_LENGTH}]
    codes = list(responsible or [])
    if unknown := [c for c in codes if c not in RESPONSIBLE]:
        errors["responsible"] = [_("Unknown actor type: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}]
    if errors:
        raise ValidationError(errors)
    return text, [c for c in RESPONSIBLE if c in codes]


def _entries(actors: Iterable[DirectoryEntry | int]) -> list[DirectoryEntry]:
    ids = [a.pk if isinstance(a, DirectoryEntry) else int(a) for a in actors]
    found = list(DirectoryEntry.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"actors": [_("Choose organisations from the directory.")]})
    return found


@transaction.atomic
def matrix_action_add(
    *,
    acting: ActingUser,
    matrix: ResponseMatrix,
    level: str,
    area: str,
    stage: str,
    text: str,
    responsible: Iterable[str] = (),
    actors: Iterable[DirectoryEntry | int] = (),
    group: str = "",
    audit: bool = True,
) -> MatrixAction:
    """Add one action to one cell. Always a new row: it can never overwrite anyone's work."""
    _require_contribute(acting, matrix)
    text, codes = _clean_action(level=level, area=area, stage=stage, text=text, responsible=responsible)
    entries = _entries(actors)
    action = MatrixAction.objects.create(
        matrix=matrix,
        organisation_id=matrix.organisation_id,
        level=level,
        area=area,
        stage=stage,
        text=text,
        responsible=codes,
        group=(group or "").strip()[:100],
        created_by=acting.user,
        updated_by=acting.user,
    )
    action.actors.set(entries)
    if audit:
        audit_record(
            acting=acting,
            action="matrix.action_add",
            target=action,
            organisation_id=matrix.organisation_id,
            detail={"matrix": matrix.pk, "cell": f"{level}/{area}/{stage}"},
        )
    return action


@transaction.atomic
def matrix_action_update(
    *,
    acting: ActingUser,
    action: MatrixAction,
    version: int,
    text: str,
    responsible: Iterable[str] = (),
    actors: Iterable[DirectoryEntry | int] = (),
    group: str | None = None,
) -> MatrixAction:
    """Change an action's text and who does it, if nobody changed it since `version`."""
    _require_contribute(acting, action.matrix)
    text, codes = _clean_action(
        level=action.level, area=action.area, stage=action.stage, text=text, responsible=responsible
    )
    entries = _entries(actors)
    values: dict[str, Any] = {
        "text": text,
        "responsible": codes,
        "version": F("version") + 1,
        "updated_by": acting.user,
        "updated_at": timezone.now(),
    }
    if group is not None:
        values["group"] = group.strip()[:100]
    # Compare-and-set in one statement: of two simultaneous edits from the same version, one wins
    # and the other is told, instead of the later one silently erasing the earlier.
    written = MatrixAction.objects.filter(pk=action.pk, version=version).update(**values)
    if written == 0:
        raise ActionConflict(MatrixAction.objects.filter(pk=action.pk).select_related("updated_by").first())
    action.refresh_from_db()
    action.actors.set(entries)
    audit_record(
        acting=acting,
        action="matrix.action_update",
        target=action,
        organisation_id=action.matrix.organisation_id,
        detail={"matrix": action.matrix_id, "version": action.version},
    )
    return action


@transaction.atomic
def matrix_action_delete(*, acting: ActingUser, action: MatrixAction, version: int) -> None:
    """Remove an action, if nobody changed it since `version` (else ActionConflict)."""
    matrix = action.matrix
    _require_contribute(acting, matrix)
    action_id = action.pk
    deleted, _ignored = MatrixAction.objects.filter(pk=action_id, version=version).delete()
    if deleted == 0:
        raise ActionConflict(MatrixAction.objects.filter(pk=action_id).select_related("updated_by").first())
    audit_record(
        acting=acting,
        action="matrix.action_delete",
        target=matrix,
        detail={"matrix": matrix.pk, "action": action_id},
    )


@dataclass(frozen=True)
class ImportResult:
    """What an import did, action by action: every line of the file is exactly one of the three."""

    added: int
    updated: int
    unchanged: int

    @property
    def lines(self) -> int:
        return self.added + self.updated + self.unchanged


def _action_key(level: str, area: str, stage: str, text: str) -> tuple[str, str, str, str]:
    """The same action, for an import: the same cell and the same words, whatever the case and spacing."""
    return (level, area, stage, " ".join(text.split()).casefold())


@transaction.atomic
def matrix_import(*, acting: ActingUser, matrix: ResponseMatrix, upload: IO[bytes], group: str = "") -> ImportResult:
    """Bring a filled worksheet into the matrix: all of it, or nothing (ImportProblems).

    A line of the file is an action already in the matrix when its cell and its words match
    (`_action_key`): unchanged when who does it is the same too, else updated (text and who, as the
    file has them). Any other line is added. So importing an exported matrix again changes nothing,
    and a line written twice is one action. Actions the file does not hold stay: since the export,
    others may have added them in the workshop.
    """
    _require_contribute(acting, matrix)
    imported = read_matrix_xlsx(upload)
    existing: dict[tuple[str, str, str, str], MatrixAction] = {}
    for action in MatrixAction.objects.filter(matrix=matrix).prefetch_related("actors").order_by("created_at", "pk"):
        existing.setdefault(_action_key(action.level, action.area, action.stage, action.text), action)
    added = updated = unchanged = 0
    for item in imported:
        key = _action_key(item.level, item.area, item.stage, item.text)
        current = existing.get(key)
        if current is None:
            existing[key] = matrix_action_add(
                acting=acting,
                matrix=matrix,
                level=item.level,
                area=item.area,
                stage=item.stage,
                text=item.text,
                responsible=item.responsible,
                actors=item.actors,
                group=group,
                audit=False,
            )
            added += 1
            continue
        same_who = set(current.responsible) == set(item.responsible) and {e.pk for e in current.actors.all()} == set(
            item.actors
        )
        if same_who and current.text == item.text:
            unchanged += 1
            continue
        existing[key] = matrix_action_update(
            acting=acting,
            action=current,
            version=current.version,
            text=item.text,
            responsible=item.responsible,
            actors=item.actors,
        )
        updated += 1
    result = ImportResult(added=added, updated=updated, unchanged=unchanged)
    audit_record(
        acting=acting,
        action="matrix.import",
        target=matrix,
        detail={"actions": len(imported), "added": added, "updated": updated, "unchanged": unchanged},
    )
    return result


def matrix_export_record(*, acting: ActingUser, matrix: ResponseMatrix, file_format: str) -> None:
    """Exports leave the system: note who took one, and in which format."""
    audit_record(acting=acting, action="matrix.export", target=matrix, detail={"format": file_format})
