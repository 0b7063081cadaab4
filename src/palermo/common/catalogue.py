"""The scheme of assistance (stages) and the types of assistance (services), from catalogue.yaml.

Shared vocabulary: cases, referrals, assistance plans and the actor directory all name services and
stages by these codes. The file carries every interface language, like the indicator catalogues;
`label` and friends answer in the active language and fall back to English.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language

FILE = Path(__file__).parent / "catalogue.yaml"


class Text(dict[str, str]):
    """A text in several languages; str() gives the active language's."""

    def __str__(self) -> str:
        language = (get_language() or "en").split("-")[0]
        return self.get(language) or self["en"]


@dataclass(frozen=True)
class Stage:
    code: str
    label: Text
    activities: tuple[Text, ...]
    responsible: tuple[Text, ...]


@dataclass(frozen=True)
class Service:
    code: str
    label: Text
    where: str  # origin | destination | both


@cache
def _load() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    return data


@cache
def stages() -> tuple[Stage, ...]:
    return tuple(
        Stage(
            code=s["code"],
            label=Text(s["label"]),
            activities=tuple(Text(a) for a in s["activities"]),
            responsible=tuple(Text(r) for r in s["responsible"]),
        )
        for s in _load()["stages"]
    )


@cache
def services() -> tuple[Service, ...]:
    return tuple(Service(code=s["code"], label=Text(s["label"]), where=s["where"]) for s in _load()["services"])


def service_label(code: str) -> str:
    return next((str(s.label) for s in services() if s.code == code), code)


def stage_label(code: str) -> str:
    return next((str(s.label) for s in stages() if s.code == code), code)


def service_choices() -> list[tuple[str, str]]:
    """For form and serializer choices; call at request time so labels follow the active language."""
    return [(s.code, str(s.label)) for s in services()]


def stage_choices() -> list[tuple[str, str]]:
    return [(s.code, str(s.label)) for s in stages()]


SERVICE_CODES = frozenset(s["code"] for s in _load()["services"])
STAGE_CODES = tuple(s["code"] for s in _load()["stages"])
# The codes as a sorted choice list, for API fields (and the one schema enum they share).
SERVICE_CODE_CHOICES = sorted(SERVICE_CODES)
