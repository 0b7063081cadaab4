"""Reads of the catalogues: the newest loaded version of each (no personal data)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from palermo.audit.services import audit_record
from palermo.identification.catalogues import Catalogue, parse_catalogue
from palermo.identification.models import CatalogueVersion, Screening
from palermo.permissions import Actor, personal_record_scope

# Parsed catalogues by (id, version, digest): a stored version never changes, so this never goes stale.
_parsed: dict[tuple[str, int, str], Catalogue] = {}


def _catalogue_of(stored_id: int, key: tuple[str, int, str]) -> Catalogue:
    if key not in _parsed:
        content = CatalogueVersion.objects.values_list("content", flat=True).get(pk=stored_id)
        _parsed[key] = parse_catalogue(content, name=key[0])
    return _parsed[key]


def catalogue_list() -> list[Catalogue]:
    newest: dict[str, tuple[int, tuple[str, int, str]]] = {}
    rows = CatalogueVersion.objects.order_by("catalogue_id", "-version").values_list(
        "pk", "catalogue_id", "version", "digest"
    )
    for pk, catalogue_id, version, digest in rows:
        newest.setdefault(catalogue_id, (pk, (catalogue_id, version, digest)))
    return [_catalogue_of(pk, key) for pk, key in newest.values()]


def catalogue_get(*, catalogue_id: str, version: int | None = None) -> Catalogue | None:
    versions = CatalogueVersion.objects.filter(catalogue_id=catalogue_id)
    if version is not None:
        versions = versions.filter(version=version)
    row = versions.order_by("-version").values_list("pk", "catalogue_id", "version", "digest").first()
    if row is None:
        return None
    pk, found_id, found_version, digest = row
    return _catalogue_of(pk, (found_id, found_version, digest))


# --- Screenings: personal records, scoped like people and audited when opened ----------------------


def screening_catalogue(screening: Screening) -> Catalogue:
    stored = screening.catalogue
    return _catalogue_of(stored.pk, (stored.catalogue_id, stored.version, stored.digest))


def screening_queryset_for(actor: Actor) -> QuerySet[Screening]:
    scope = personal_record_scope(actor)
    if scope is None:
        return Screening.objects.none()
    return Screening.objects.filter(**scope).select_related("catalogue")


def screening_list_for(*, actor: Actor) -> QuerySet[Screening]:
    if personal_record_scope(actor) is None:
        raise PermissionDenied("screening.list")
    return screening_queryset_for(actor)


def screening_get_for(*, actor: Actor, screening_id: int | str) -> Screening:
    """One screening the actor may see; 404 alike for missing and out of scope. Audited."""
    try:
        screening = screening_queryset_for(actor).get(pk=int(screening_id))
    except (Screening.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    audit_record(actor=actor, action="screening.view", target=screening)
    return screening
