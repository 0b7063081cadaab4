"""Reads from the actor directory. It holds no personal data, and every member who may see it sees all of it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from palermo.directory.models import DirectoryEntry
from palermo.permissions import ActingUser, Capability, can


@dataclass(frozen=True)
class DirectoryFilters:
    text: str = ""
    actor_type: str = ""
    level: str = ""
    stage: str = ""
    service: str = ""
    always_open: bool = False
    area: str = ""


def directory_entry_list(*, acting: ActingUser, filters: DirectoryFilters | None = None) -> QuerySet[DirectoryEntry]:
    if not can(acting, Capability.DIRECTORY_VIEW):
        raise PermissionDenied(Capability.DIRECTORY_VIEW.value)
    entries = DirectoryEntry.objects.select_related("maintained_by", "linked_organisation")
    filters = filters or DirectoryFilters()
    if filters.text:
        entries = entries.filter(Q(name__icontains=filters.text) | Q(description__icontains=filters.text))
    if filters.actor_type:
        entries = entries.filter(actor_type=filters.actor_type)
    if filters.level:
        entries = entries.filter(level=filters.level)
    # Codes are stored as JSON lists of known words; the quoted word matches one element exactly,
    # on SQLite and PostgreSQL alike.
    if filters.stage:
        entries = entries.filter(stages__icontains=f'"{filters.stage}"')
    if filters.service:
        entries = entries.filter(services__icontains=f'"{filters.service}"')
    if filters.always_open:
        entries = entries.filter(always_open=True)
    if filters.area:
        area = filters.area.strip()
        entries = entries.filter(Q(country__iexact=area) | Q(region__icontains=area) | Q(municipality__icontains=area))
    return entries.order_by("name", "pk")


def directory_entry_get(*, acting: ActingUser, entry_id: int | str) -> DirectoryEntry:
    try:
        return directory_entry_list(acting=acting).get(pk=int(entry_id))
    except (DirectoryEntry.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def services_offered_by(organisation_ids: Iterable[int]) -> dict[int, list[str]]:
    """Service codes (shared catalogue) offered by Palermo organisations that have a directory entry.

    Organisations without an entry are absent from the answer. Not scoped: the directory is
    shared, and callers (the referral screen) have already authorised their user.
    """
    wanted = list(organisation_ids)
    rows = DirectoryEntry.objects.filter(linked_organisation_id__in=wanted).values_list(
        "linked_organisation_id", "services"
    )
    return {organisation_id: list(services) for organisation_id, services in rows if organisation_id is not None}
