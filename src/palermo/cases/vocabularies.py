"""The case vocabularies (HTCDS 2.0, by IOM, CC BY 4.0) from vocabularies.yaml, in every interface language.

Lists: type_of_exploitation, methods_of_control, case_status, closure_reasons, trafficking_status,
place_type. Labels follow the active language and fall back to English; call at request time.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from palermo.common.catalogue import Text

FILE = Path(__file__).parent / "vocabularies.yaml"
ATTRIBUTION = "HTCDS 2.0, International Organization for Migration (IOM), CC BY 4.0"


@cache
def _load() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    return data


@cache
def entries(vocabulary: str) -> tuple[dict[str, Any], ...]:
    return tuple(_load()[vocabulary])


def codes(vocabulary: str) -> tuple[str, ...]:
    return tuple(entry["code"] for entry in entries(vocabulary))


def label(vocabulary: str, code: str) -> str:
    return next((str(Text(e["label"])) for e in entries(vocabulary) if e["code"] == code), code)


def choices(vocabulary: str) -> list[tuple[str, str]]:
    return [(e["code"], str(Text(e["label"]))) for e in entries(vocabulary)]


def htcds_value(vocabulary: str, code: str) -> str:
    """The HTCDS value name a Palermo code exports to (the code itself unless the entry says otherwise)."""
    return next((e.get("htcds", e["code"]) for e in entries(vocabulary) if e["code"] == code), code)
