"""Fictional people in several scripts, for benchmarks and demos (never real names).

The family names of Latin-script people are made of syllables (palermo.demo.fictional),
so a million of them spread over many distinct tokens; Cyrillic, Greek and Arabic ones come
from short lists and are combined with their own syllables for the same reason.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from palermo.demo import fictional

LATIN_GIVEN = (
    "José", "María", "Zoë", "Émile", "Łucja", "Ştefan", "Íñigo", "Søren", "Ana", "Ioana", "Luís", "Renée",
    "Nuño", "Dorottya", "Žaneta", "Mihály", "Çağla", "Agnès", "Ewa", "Tomáš",
)  # fmt: skip
CYRILLIC_GIVEN = ("Олена", "Оксана", "Дмитро", "Ірина", "Сергій", "Наталія", "Андрій", "Юлія", "Ольга", "Богдан")
CYRILLIC_ONSETS = ("Петр", "Коваль", "Шевч", "Бонд", "Ткач", "Мельн", "Кравч", "Олійн", "Лис", "Савч", "Руд")
CYRILLIC_ENDINGS = ("енко", "ук", "ович", "ова", "ський", "ишин", "як", "ко")
GREEK_GIVEN = ("Γιώργος", "Μαρία", "Ελένη", "Νίκος", "Δήμητρα", "Κώστας")
GREEK_ONSETS = ("Παπα", "Γεωργ", "Νικολ", "Κωνσταντ", "Δημητρ")
GREEK_ENDINGS = ("όπουλος", "ίου", "άκης", "ίδης")
ARABIC_GIVEN = ("محمد", "فاطمة", "أحمد", "عائشة", "علي", "مريم", "حسن", "خديجة", "يوسف", "زينب")
ARABIC_FAMILY = ("الحسن", "العلي", "منصور", "حداد", "خليل", "سليمان", "النجار", "عثمان", "الشامي", "يوسف")
ARABIC_LATIN_GIVEN = ("Mohamed", "Muhammad", "Fatima", "Ahmed", "Aisha", "Youssef", "Mariam", "Hassan")
SCRIPTS = (("latin", 0.62), ("cyrillic", 0.2), ("arabic", 0.12), ("greek", 0.06))
COUNTRIES_BY_SCRIPT = {
    "latin": ("RO", "MD", "ES", "PT", "PL", "FR", "BG", "NG", "BR", "AL"),
    "cyrillic": ("UA", "RU", "BY", "BG", "MD"),
    "arabic": ("SY", "MA", "EG", "IQ", "SD", "TN"),
    "greek": ("GR", "CY"),
}
LANGUAGES_BY_SCRIPT = {
    "latin": ("ro", "es", "pt", "pl", "fr", "en"),
    "cyrillic": ("uk", "ru", "bg"),
    "arabic": ("ar", "fr", "en"),
    "greek": ("el", "en"),
}


def _script(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for script, share in SCRIPTS:
        total += share
        if roll < total:
            return script
    return "latin"


def person_fields(rng: random.Random) -> dict[str, Any]:
    """The personal fields of one fictional person (the keyword arguments of person_create)."""
    script = _script(rng)
    fields: dict[str, Any] = {}
    if script == "latin":
        fields["given_names"] = rng.choice(LATIN_GIVEN + fictional.GIVEN_NAMES)
        fields["family_name"] = fictional.family_name(rng)
    elif script == "cyrillic":
        original = f"{rng.choice(CYRILLIC_GIVEN)} {rng.choice(CYRILLIC_ONSETS)}{rng.choice(CYRILLIC_ENDINGS)}"
        fields["name_original_script"] = original
        if rng.random() < 0.7:  # most also have the name as written in their passport
            given, family = _latin(original).split(" ", 1)
            fields["given_names"], fields["family_name"] = given, family
    elif script == "greek":
        fields["name_original_script"] = (
            f"{rng.choice(GREEK_GIVEN)} {rng.choice(GREEK_ONSETS)}{rng.choice(GREEK_ENDINGS)}"
        )
    else:
        fields["name_original_script"] = f"{rng.choice(ARABIC_GIVEN)} {rng.choice(ARABIC_FAMILY)}"
        fields["given_names"] = rng.choice(ARABIC_LATIN_GIVEN)
        fields["family_name"] = fictional.family_name(rng)
    if rng.random() < 0.02:  # some refuse to give a name at all
        fields = {}
    if rng.random() < 0.1:
        fields["aliases"] = [rng.choice(fictional.GIVEN_NAMES)]
    if rng.random() >= fictional.UNKNOWN_BIRTH_SHARE:
        span = (fictional.BIRTH_TO - fictional.BIRTH_FROM).days + 1
        fields["date_of_birth"] = fictional.BIRTH_FROM + datetime.timedelta(days=rng.randrange(span))
    else:
        fields["estimated_age"] = rng.randrange(14, 60)
    fields["citizenships"] = [rng.choice(COUNTRIES_BY_SCRIPT[script])]
    fields["languages"] = [rng.choice(LANGUAGES_BY_SCRIPT[script])]
    fields["sex"] = rng.choice(("female", "female", "male", "unknown"))
    fields["interpreter_needed"] = rng.random() < 0.4
    return fields


def _latin(text: str) -> str:
    from anyascii import anyascii

    return anyascii(text)
