"""Read and check practices.yaml, and load it into the database (called after every migrate).

Each entry carries its own version. An entry whose content changed without a new version is
refused, so a silent edit never slips through review; a higher version replaces the stored one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from palermo.directory.models import STAGE_CODES, MatrixLevel, ResponseArea, Stage

FILE = Path(__file__).resolve().parent / "practices.yaml"
FORMS = {
    "labour": _("Labour exploitation"),
    "sexual": _("Sexual exploitation"),
    "begging_criminality": _("Forced begging and criminality"),
    "any": _("Any form"),
}
TAGS = {
    "areas": tuple(ResponseArea.values),
    "stages": STAGE_CODES,
    "levels": tuple(MatrixLevel.values),
    "forms": tuple(FORMS),
}
TEXTS = ("title", "summary", "lesson", "place")


class LibraryError(Exception):
    """practices.yaml does not follow its schema."""


@dataclass(frozen=True)
class LoadReport:
    added: list[str]
    updated: list[str]
    unchanged: list[str]


def _digest(entry: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(entry, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def read_library(path: Path = FILE) -> list[dict[str, Any]]:
    """The entries of the file, checked; LibraryError names the entry and what is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise LibraryError(f"{path.name}: not valid YAML ({error})") from None
    entries = (data or {}).get("practices")
    if not isinstance(entries, list) or not entries:
        raise LibraryError(f"{path.name}: needs a non-empty `practices` list")
    seen: set[str] = set()
    for entry in entries:
        slug = entry.get("slug") if isinstance(entry, dict) else None
        if not slug or slug in seen:
            raise LibraryError(f"{path.name}: every practice needs a unique slug ({slug!r})")
        seen.add(slug)
        if not isinstance(entry.get("version"), int) or entry["version"] < 1:
            raise LibraryError(f"{slug}: `version` must be a whole number from 1")
        for key in TEXTS:
            texts = entry.get(key)
            if not isinstance(texts, dict) or not str(texts.get("en", "")).strip() or not texts.get("fr"):
                raise LibraryError(f"{slug}: `{key}` needs an English and a French text")
        source = entry.get("source")
        if not isinstance(source, dict) or not source.get("document"):
            raise LibraryError(f"{slug}: `source` needs the document it comes from")
        for key, allowed in TAGS.items():
            values = entry.get(key)
            if not isinstance(values, list) or not values or set(values) - set(allowed):
                raise LibraryError(f"{slug}: `{key}` must be a non-empty list of {list(allowed)}")
    return entries


def library_load(*, using: str = "default", path: Path = FILE) -> LoadReport:
    from palermo.practices.models import GoodPractice

    added, updated, unchanged = [], [], []
    with transaction.atomic(using=using):
        for position, entry in enumerate(read_library(path)):
            digest = _digest(entry)
            values = {
                "version": entry["version"],
                "digest": digest,
                "title": entry["title"],
                "summary": entry["summary"],
                "lesson": entry["lesson"],
                "place": entry["place"],
                "source_document": entry["source"]["document"],
                "source_section": entry["source"].get("section", ""),
                "areas": entry["areas"],
                "stages": entry["stages"],
                "levels": entry["levels"],
                "forms": entry["forms"],
                "position": position,
            }
            stored = GoodPractice.objects.using(using).filter(slug=entry["slug"]).first()
            if stored is None:
                GoodPractice.objects.using(using).create(slug=entry["slug"], **values)
                added.append(entry["slug"])
            elif stored.version == entry["version"]:
                if stored.digest != digest:
                    raise LibraryError(
                        f"{entry['slug']} v{stored.version} changed since it was loaded: raise its version"
                    )
                if stored.position != position:
                    GoodPractice.objects.using(using).filter(pk=stored.pk).update(position=position)
                unchanged.append(entry["slug"])
            elif stored.version < entry["version"]:
                GoodPractice.objects.using(using).filter(pk=stored.pk).update(**values)
                updated.append(entry["slug"])
            else:
                raise LibraryError(
                    f"{entry['slug']}: the file has v{entry['version']}, older than the stored v{stored.version}"
                )
    return LoadReport(added=added, updated=updated, unchanged=unchanged)


def tag_labels(practice: Any) -> dict[str, list[str]]:
    areas, stages, levels = dict(ResponseArea.choices), dict(Stage.choices), dict(MatrixLevel.choices)
    return {
        "areas": [str(areas[a]) for a in practice.areas],
        "stages": [str(stages[s]) for s in practice.stages],
        "levels": [str(levels[v]) for v in practice.levels],
        "forms": [str(FORMS[f]) for f in practice.forms],
    }
