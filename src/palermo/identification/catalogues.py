"""Indicator catalogues: versioned YAML files shipped in `catalogues/`, read into plain objects.

A catalogue groups indicators into dimensions (one topic per screen when screening). The
ILO sets carry a strength per indicator; the municipal checklists do not. Texts are given
in every shipped language; `Text.get()` picks the active one and falls back to English.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogues"
STRENGTHS = ("strong", "medium", "weak")
FORMS = ("general", "sexual", "labour", "begging_criminality", "any")
AUDIENCES = ("adult", "child", "any")
# The dimensions that the decision rules for catalogues with strengths read.
RECRUITMENT_DIMENSIONS = ("deceptive_recruitment", "coercive_recruitment", "abuse_of_vulnerability_recruitment")
DESTINATION_DIMENSIONS = ("coercion_at_destination", "abuse_of_vulnerability_destination")
EXPLOITATION_DIMENSION = "exploitative_conditions"
RULE_DIMENSIONS = (*RECRUITMENT_DIMENSIONS, EXPLOITATION_DIMENSION, *DESTINATION_DIMENSIONS)


class CatalogueError(Exception):
    """A catalogue file that does not follow the schema."""


@dataclass(frozen=True)
class Text:
    translations: dict[str, str]

    def get(self, language: str | None = None) -> str:
        language = (language or get_language() or "en").split("-")[0]
        return self.translations.get(language) or self.translations["en"]

    def __str__(self) -> str:
        return self.get()


@dataclass(frozen=True)
class Source:
    document: str
    section: str


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension_id: str
    text: Text
    strength: str | None


@dataclass(frozen=True)
class Dimension:
    id: str
    title: Text
    help: Text | None
    source: Source | None
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Catalogue:
    id: str
    version: int
    title: Text
    description: Text
    form_of_exploitation: str
    audience: str
    has_strengths: bool
    source: Source
    dimensions: tuple[Dimension, ...]
    digest: str

    @functools.cached_property
    def indicators(self) -> dict[str, Indicator]:
        return {i.id: i for d in self.dimensions for i in d.indicators}

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)


def _text(value: Any, where: str) -> Text:
    if not isinstance(value, dict) or not isinstance(value.get("en"), str) or not value["en"].strip():
        raise CatalogueError(f"{where}: needs a text with at least an `en` entry")
    return Text({str(k): str(v) for k, v in value.items()})


def _source(value: Any, where: str) -> Source:
    if not isinstance(value, dict) or not value.get("document"):
        raise CatalogueError(f"{where}: a source needs `document` (and `section`)")
    return Source(document=str(value["document"]), section=str(value.get("section", "")))


def parse_catalogue(data: dict[str, Any], *, name: str) -> Catalogue:
    """Check one catalogue's content and turn it into objects; CatalogueError says what is wrong."""
    for key in ("id", "version", "title", "description", "form_of_exploitation", "audience", "has_strengths"):
        if key not in data:
            raise CatalogueError(f"{name}: `{key}` is missing")
    if data["id"] != name:
        raise CatalogueError(f"{name}: the id {data['id']!r} must equal the file name")
    if not isinstance(data["version"], int) or data["version"] < 1:
        raise CatalogueError(f"{name}: `version` must be a whole number from 1")
    if data["form_of_exploitation"] not in FORMS or data["audience"] not in AUDIENCES:
        raise CatalogueError(f"{name}: form_of_exploitation is one of {FORMS}, audience one of {AUDIENCES}")
    has_strengths = bool(data["has_strengths"])
    dimensions: list[Dimension] = []
    seen: set[str] = set()
    for raw in data.get("dimensions") or []:
        dimension_id = raw.get("id")
        where = f"{name}/{dimension_id}"
        if not dimension_id or dimension_id in {d.id for d in dimensions}:
            raise CatalogueError(f"{where}: every dimension needs a unique id")
        indicators = []
        for item in raw.get("indicators") or []:
            indicator_id = item.get("id")
            if not indicator_id or indicator_id in seen:
                raise CatalogueError(f"{where}: indicator id {indicator_id!r} is missing or used twice")
            seen.add(indicator_id)
            strength = item.get("strength")
            if has_strengths and strength not in STRENGTHS:
                raise CatalogueError(f"{where}/{indicator_id}: strength must be one of {STRENGTHS}")
            if not has_strengths and strength is not None:
                raise CatalogueError(f"{where}/{indicator_id}: this catalogue has no strengths")
            indicators.append(
                Indicator(indicator_id, dimension_id, _text(item.get("text"), f"{where}/{indicator_id}"), strength)
            )
        if not indicators:
            raise CatalogueError(f"{where}: a dimension needs indicators")
        dimensions.append(
            Dimension(
                id=dimension_id,
                title=_text(raw.get("title"), where),
                help=_text(raw["help"], where) if raw.get("help") else None,
                source=_source(raw["source"], where) if raw.get("source") else None,
                indicators=tuple(indicators),
            )
        )
    if not dimensions:
        raise CatalogueError(f"{name}: a catalogue needs dimensions")
    if has_strengths:
        missing = set(RULE_DIMENSIONS) - {d.id for d in dimensions}
        if missing:
            raise CatalogueError(f"{name}: the decision rules need the dimensions {sorted(missing)}")
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return Catalogue(
        id=name,
        version=data["version"],
        title=_text(data["title"], name),
        description=_text(data["description"], name),
        form_of_exploitation=data["form_of_exploitation"],
        audience=data["audience"],
        has_strengths=has_strengths,
        source=_source(data.get("source"), name),
        dimensions=tuple(dimensions),
        digest=hashlib.sha256(canonical.encode()).hexdigest(),
    )


def read_catalogue_files(directory: Path = CATALOGUE_DIR) -> list[tuple[Catalogue, dict[str, Any]]]:
    """Every catalogue file in the folder, parsed; with the raw content to store."""
    found = []
    for path in sorted(directory.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            try:
                data = yaml.safe_load(handle)
            except yaml.YAMLError as error:
                raise CatalogueError(f"{path.name}: not valid YAML ({error})") from None
        if not isinstance(data, dict):
            raise CatalogueError(f"{path.name}: expected a mapping at the top")
        found.append((parse_catalogue(data, name=path.stem), data))
    return found
