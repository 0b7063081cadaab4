"""Countries and languages a person's record may name, from maintained sources.

Countries: the ISO 3166-1 alpha-2 list of the HTCDS 2.0 `citizenship` vocabulary
(IOM, CC BY 4.0), kept in data/countries.csv, so an export to HTCDS never loses a code.
Languages: the ISO 639-1 codes that Django itself knows (django.conf.locale.LANG_INFO).
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf.locale import LANG_INFO

from palermo.web.languages import EXTRA_LANGUAGES

DATA = Path(__file__).resolve().parent / "data"


def _countries() -> list[tuple[str, str]]:
    with (DATA / "countries.csv").open(encoding="utf-8") as handle:
        return [(row["code"], row["name"]) for row in csv.DictReader(handle)]


def _languages() -> list[tuple[str, str]]:
    found = [
        (code, info["name"]) for code, info in LANG_INFO.items() if len(code) == 2 and code.isalpha() and "name" in info
    ]
    known = {code for code, _ in found}
    found += [(code, name) for code, name in EXTRA_LANGUAGES.items() if code not in known]
    return sorted(found, key=lambda item: item[1])


COUNTRIES: list[tuple[str, str]] = _countries()
COUNTRY_CODES = frozenset(code for code, _ in COUNTRIES)
COUNTRY_NAMES = dict(COUNTRIES)
LANGUAGES: list[tuple[str, str]] = _languages()
LANGUAGE_CODES = frozenset(code for code, _ in LANGUAGES)
LANGUAGE_NAMES = dict(LANGUAGES)
