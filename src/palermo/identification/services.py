"""Loading catalogues, and evaluating a screening (which stores nothing)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from palermo.identification.catalogues import CatalogueError, read_catalogue_files
from palermo.identification.models import CatalogueVersion
from palermo.identification.rules import Evaluation, EvaluationInputError, evaluate, parse_input
from palermo.identification.selectors import catalogue_get


@dataclass(frozen=True)
class LoadReport:
    added: list[str]
    unchanged: list[str]


def catalogues_load(*, using: str = "default") -> LoadReport:
    """Store every shipped catalogue version not yet in the database.

    A file whose content changed without a new version number is refused: old screenings
    must keep meaning what they meant.
    """
    added, unchanged = [], []
    with transaction.atomic(using=using):
        for catalogue, content in read_catalogue_files():
            label = f"{catalogue.id} v{catalogue.version}"
            stored = (
                CatalogueVersion.objects.using(using)
                .filter(catalogue_id=catalogue.id, version=catalogue.version)
                .first()
            )
            if stored is None:
                CatalogueVersion.objects.using(using).create(
                    catalogue_id=catalogue.id, version=catalogue.version, digest=catalogue.digest, content=content
                )
                added.append(label)
            elif stored.digest != catalogue.digest:
                raise CatalogueError(f"{label} changed since it was loaded: raise its version number")
            else:
                unchanged.append(label)
    return LoadReport(added=added, unchanged=unchanged)


def screening_evaluate(*, data: Mapping[str, Any], catalogue_id: str | None = None) -> Evaluation:
    """Evaluate answers against a catalogue. Pages, API and CLI all come here, so they agree."""
    named = data.get("catalogue") if isinstance(data, Mapping) else None
    if catalogue_id and named and named != catalogue_id:
        raise EvaluationInputError({"catalogue": [f"The input names {named!r} but {catalogue_id!r} was asked for."]})
    wanted = catalogue_id or named
    if not wanted:
        raise EvaluationInputError({"catalogue": ["Name the catalogue to evaluate against."]})
    catalogue = catalogue_get(catalogue_id=str(wanted))
    if catalogue is None:
        raise EvaluationInputError(
            {"catalogue": [f"No catalogue {wanted!r}. See `palermo screen catalogues` for the ids."]}
        )
    return evaluate(catalogue, parse_input(catalogue, data))
