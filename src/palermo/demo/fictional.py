"""Fictional values for benchmarks and demos: organisations, staff and people who do not exist.

Every organisation is named "Bench NNNN …" and sits in an invented region of a
user-assigned ISO country code (ZZ, XA, XB, XC); every user's address is under the
reserved `.test` domain; family names are made of invented syllables. What an index
produces (an organisation's name, type and place; a user's address) never depends on
the seed, so a second run finds what the first one made. The seed only varies the
names and dates that nothing looks up by.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from palermo.organisations.models import OrganisationType, Role

BENCH_PREFIX = "Bench "
BENCH_EMAIL_DOMAIN = "bench.palermo.test"
BENCH_EMAIL_PREFIX = "bench-"

COUNTRIES = ("ZZ", "XA", "XB", "XC")

# Invented regions, each with invented municipalities.
REGIONS: dict[str, tuple[str, ...]] = {
    "Northmarch": ("Valmora", "Ostrel", "Kessing", "Brannoch"),
    "Lowen Coast": ("Port Adelin", "Saltery", "Merrowick"),
    "Upper Tavra": ("Tavra", "Dorn Bridge", "Ilsen", "Quarry Hill", "Vesk"),
    "Sorrel Valley": ("Sorrel", "Hannam", "Little Ebb"),
    "Eastern Fells": ("Corvale", "Fellmouth", "Ardry", "Penhallow"),
    "Marren Delta": ("Marren", "Sedgeford", "Lisk"),
    "Greyholt": ("Greyholt", "Wendlebury"),
    "Isle of Caddow": ("Caddow Town", "Rook Harbour"),
}

# How often each type occurs: many NGOs, services and police; few prosecutors.
TYPE_WEIGHTS: dict[str, int] = {
    OrganisationType.NGO: 8,
    OrganisationType.MUNICIPAL_SERVICE: 6,
    OrganisationType.POLICE: 5,
    OrganisationType.LABOUR_INSPECTORATE: 3,
    OrganisationType.HEALTH_SERVICE: 3,
    OrganisationType.GOVERNMENT: 2,
    OrganisationType.PROSECUTION: 2,
    OrganisationType.WORKERS_ORGANISATION: 2,
    OrganisationType.EMPLOYERS_ORGANISATION: 1,
    OrganisationType.INTERNATIONAL_ORGANISATION: 1,
    OrganisationType.OTHER: 1,
}

# How an organisation's name reads for its type ("{place}" is the municipality or region).
TYPE_NAMES: dict[str, tuple[str, ...]] = {
    OrganisationType.NGO: ("Safe Harbour {place}", "{place} Shelter Network", "Open Door {place}", "Lantern {place}"),
    OrganisationType.MUNICIPAL_SERVICE: ("{place} Social Services", "{place} Youth Welfare"),
    OrganisationType.POLICE: ("{place} Police", "{place} Police Anti-Trafficking Unit"),
    OrganisationType.LABOUR_INSPECTORATE: ("{place} Labour Inspectorate",),
    OrganisationType.HEALTH_SERVICE: ("{place} General Hospital", "{place} Community Health Centre"),
    OrganisationType.GOVERNMENT: ("{place} Regional Office", "{place} Ministry Liaison"),
    OrganisationType.PROSECUTION: ("{place} Public Prosecutor",),
    OrganisationType.WORKERS_ORGANISATION: ("{place} Workers' Union",),
    OrganisationType.EMPLOYERS_ORGANISATION: ("{place} Chamber of Employers",),
    OrganisationType.INTERNATIONAL_ORGANISATION: ("{place} Migration Office",),
    OrganisationType.OTHER: ("{place} Legal Aid Clinic", "{place} Interpreters' Guild"),
}

# The k-th member of an organisation gets ROLE_PATTERN[k % len]: the first six cover every
# role, then mostly the roles that do the case work.
ROLE_PATTERN: tuple[str, ...] = (
    Role.CASE_WORKER,
    Role.FIRST_RESPONDER,
    Role.DECISION_MAKER,
    Role.COORDINATOR,
    Role.ANALYST,
    Role.ORG_ADMIN,
    Role.CASE_WORKER,
    Role.FIRST_RESPONDER,
    Role.CASE_WORKER,
    Role.FIRST_RESPONDER,
    Role.DECISION_MAKER,
    Role.CASE_WORKER,
)

GIVEN_NAMES = (
    "Ada", "Amara", "Anouk", "Bela", "Bogdan", "Carmen", "Chidi", "Dalia", "Dmitri", "Elif", "Emeka", "Esra",
    "Farid", "Femi", "Giulia", "Hana", "Hamid", "Ines", "Ionut", "Jana", "Joon", "Kalina", "Karim", "Lena",
    "Lucia", "Mara", "Marek", "Mei", "Nadia", "Nikos", "Noor", "Olga", "Omar", "Paulo", "Petra", "Priya",
    "Rahel", "Rosa", "Samir", "Sanja", "Sofia", "Tariq", "Teodora", "Thanh", "Valentina", "Viktor", "Yara",
    "Yusuf", "Zainab", "Zoran", "Maria Elena", "Ana Lucia", "Jean Paul", "Li Na",
)  # fmt: skip

# Family names are built from these, so they belong to nobody.
FAMILY_ONSETS = (
    "Vel", "Mar", "Ost", "Kes", "Dra", "Lun", "Tev", "Bran", "Sor", "Qua", "Fen", "Hal", "Ilm", "Jor", "Kav",
    "Pell", "Rud", "Sev", "Tor", "Ul", "Var", "Wen", "Zel", "Cor", "Ebr",
)  # fmt: skip
FAMILY_MIDDLES = ("", "a", "e", "i", "o", "an", "er", "in", "ov", "el")
FAMILY_ENDINGS = (
    "ski", "ova", "escu", "ani", "ard", "ek", "ić", "ulu", "ström", "ez", "aki", "enko", "ier", "ado", "ing",
    "mann", "oğlu", "ashvili", "opoulos", "sen",
)  # fmt: skip

STAFF_FAMILY_NAMES = (
    "Example", "Sample", "Fictiva", "Exemplu", "Testa", "Placeholder", "Mustermann", "Doe", "Bench", "Demo",
)  # fmt: skip

# Regional bodies are named after their region, local ones after their town.
REGIONAL_TYPES = (
    OrganisationType.GOVERNMENT,
    OrganisationType.PROSECUTION,
    OrganisationType.INTERNATIONAL_ORGANISATION,
)

BIRTH_FROM = datetime.date(1955, 1, 1)
BIRTH_TO = datetime.date(2010, 12, 31)
UNKNOWN_BIRTH_SHARE = 0.15


@dataclass(frozen=True)
class OrganisationSpec:
    name: str
    type: str
    country: str
    region: str
    municipality: str


def organisation_spec(index: int) -> OrganisationSpec:
    """The bench organisation number `index` (from 1): the same every time."""
    rng = random.Random(f"palermo-bench-organisation-{index}")  # noqa: S311 - fictional values, not secrets
    kind = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
    region = rng.choice(list(REGIONS))
    municipality = rng.choice(REGIONS[region])
    regional = kind in REGIONAL_TYPES
    place = region if regional else municipality
    label = rng.choice(TYPE_NAMES[kind]).format(place=place)
    return OrganisationSpec(
        name=f"{BENCH_PREFIX}{index:04d} {label}",
        type=str(kind),
        country=COUNTRIES[(index - 1) % len(COUNTRIES)],
        region=region,
        municipality="" if regional else municipality,
    )


def user_email(index: int) -> str:
    """The bench user number `index` (from 1)."""
    return f"{BENCH_EMAIL_PREFIX}{index:05d}@{BENCH_EMAIL_DOMAIN}"


def role_for(position: int) -> str:
    """The role of an organisation's `position`-th member (from 0)."""
    return str(ROLE_PATTERN[position % len(ROLE_PATTERN)])


def family_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY_ONSETS)}{rng.choice(FAMILY_MIDDLES)}{rng.choice(FAMILY_ENDINGS)}"


def staff_full_name(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN_NAMES)} {rng.choice(STAFF_FAMILY_NAMES)}"


def person_values(rng: random.Random) -> tuple[str, str, datetime.date | None]:
    """Given names, family name and date of birth (or None: unknown) of a fictional person."""
    given = rng.choice(GIVEN_NAMES)
    family = family_name(rng) if rng.random() > 0.03 else ""  # a few are known by one name only
    born = None
    if rng.random() >= UNKNOWN_BIRTH_SHARE:
        born = BIRTH_FROM + datetime.timedelta(days=rng.randrange((BIRTH_TO - BIRTH_FROM).days + 1))
    return given, family, born


# Fictional tips from the public, for the triage inbox benchmark.
TIP_TEXTS = (
    "Workers seem to sleep in the back of the shop and never leave.",
    "A van drops the same young women at the salon every morning and collects them at night.",
    "Men on the site say the foreman keeps their passports.",
    "Children sell flowers at the crossing until late and hand the money to a man in a car.",
)
