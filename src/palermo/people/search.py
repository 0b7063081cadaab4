"""Finding people by name without decrypting anyone: a keyed token index.

Names are encrypted, so the database cannot compare them. Instead, when a person is saved,
each name part (given names, family name, aliases, the name in its original script) is

1. normalised: case folded, accents stripped ("José" → "jose");
2. romanised with anyascii, so every script meets on Latin ("Олена" → "olena",
   "Γιώργος" → "giorgos", "محمد" → "mhmd", "王小明" → "wangxiaoming");
3. given phonetic codes (jellyfish metaphone and NYSIIS), so spelling variants meet
   ("Mohamed", "Muhammad" and "mhmd" are all MHMT; "Petrenko" and "Petrenco" are PTRNK);
4. cut into character trigrams ("$pe", "pet", …, "ko$"), so a typo still shares most of them.

Each derived form becomes a token: the first 8 bytes of HMAC-SHA256 under a key derived
from PALERMO_HMAC_KEY for this purpose only, over the kind and the form. The date of birth
and each citizenship get tokens of their own. A query derives the same tokens and ranks the
people of the acting user's scope by the weighted number of tokens they share (one GROUP BY in
SQL over an index on (organisation, token)), keeping those above a share of the best
possible score and of the best hit's score, so that noise is not shown.

Why the tokens do not reveal names: HMAC is a pseudo-random function. Without the key, a
token is indistinguishable from 64 random bits; nobody can compute the token of "olena" to
look for it, nor invert a token to a trigram. Truncation to 64 bits leaves collisions
negligible for search but adds nothing an attacker could use. The key is not in the
database: whoever steals a dump holds numbers only.

The residual risk is frequency analysis: tokens are deterministic, so within one dump an
attacker sees which people share a token and how common each token is. Matched against
public name statistics, the most common trigrams or phonetic codes of a large organisation
could be guessed ("the most frequent trigram is probably 'ova'"), and two rows sharing many
tokens probably share a name. It never yields a whole name without the key, but it is
why the tokens are scoped per organisation in queries, why the key is separate from the
encryption keys, and why a stolen key means `palermo people reindex` under a new one.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jellyfish
from anyascii import anyascii
from django.db.models import Case, IntegerField, Q, Sum, Value, When

from palermo.hmac_keys import hmac_key
from palermo.people.models import Person, PersonSearchToken, TokenKind

PURPOSE = "person-search/v1"
# How much a shared token counts: a whole name part is strong evidence, a trigram weak.
WEIGHTS = {
    TokenKind.NAME: 6,
    TokenKind.PHONETIC: 3,
    TokenKind.NYSIIS: 2,
    TokenKind.SKELETON: 3,
    TokenKind.TRIGRAM: 1,
}
# Scripts that mostly leave vowels out (Arabic, Hebrew) romanise to consonants only ("محمد" → "mhmd"):
# for those, the consonant-level tokens alone decide, against a threshold of their own.
CONSONANT_KINDS = (TokenKind.PHONETIC, TokenKind.SKELETON)
CONSONANT_THRESHOLD = 0.7
VOWELS = frozenset("aeiouy")
# A person is shown when they share at least this share of the query's best possible score.
THRESHOLD = 0.45
# ...and at least this share of the best hit's score: once someone matches the whole name,
# people who share only a common given name are noise.
RELATIVE = 0.6
LIMIT = 20
MAX_PARTS = 8  # a query longer than this is cut: nobody has a dozen names, and cost grows with tokens
MIN_PART = 2
SEARCHABLE = ("given_names", "family_name", "name_original_script", "aliases", "date_of_birth", "citizenships")


def _key() -> bytes:
    return hmac_key(PURPOSE)


def token_of(kind: int, form: str, key: bytes | None = None) -> int:
    """A signed 64-bit integer: the first 8 bytes of HMAC(key, kind:form)."""
    digest = hmac.new(key or _key(), f"{kind}:{form}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


# Spellings that differ only by transliteration convention, folded to one form on both sides:
# Мария is "Mariya" to anyascii and "Maria" on a passport; Фиктива "Fiktiva", the Latin "Fictiva".
_LOOSE = (
    (re.compile("['`\u2019\u02bc]"), ""),  # soft signs and apostrophes: Natal'ya, O'Brien
    (re.compile(r"y"), "i"),  # ya/ia, yu/iu, iy/ii: Mariya, Yuliya, Dmitriy
    (re.compile(r"ph"), "f"),
    (re.compile(r"cz"), "ch"),  # Polish Kowalczuk / Kovalchuk
    (re.compile(r"ck|q|c(?!h)"), "k"),  # Fictiva / Fiktiva, Lucas / Lukas; ch stays
    (re.compile(r"w"), "v"),  # Kowal / Koval
    (re.compile(r"kh"), "h"),  # Khasan / Hasan
    (re.compile(r"([a-z])\1+"), r"\1"),  # doubled letters: Anna / Ana, Mariia / Maria
)


def romanise(text: str) -> str:
    """Case-folded, accent-free Latin letters and digits, one space between parts, with the common
    transliteration variants folded together (see _LOOSE)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    latin = anyascii(stripped).casefold()
    for pattern, replacement in _LOOSE:
        latin = pattern.sub(replacement, latin)
    cleaned = "".join(c if c.isalnum() else " " for c in latin)
    return " ".join(cleaned.split())


def name_parts(texts: Iterable[str]) -> list[str]:
    """Distinct romanised parts of the given names, in order."""
    parts: list[str] = []
    for text in texts:
        for part in romanise(text or "").split():
            if len(part) >= MIN_PART and part not in parts:
                parts.append(part)
    return parts


def skeleton(letters: str) -> str:
    """Consonants only, repeats collapsed: "muhammad" and "mhmd" are both "mhmd"; "" when under two."""
    kept: list[str] = []
    for c in letters:
        if c not in VOWELS and (not kept or kept[-1] != c):
            kept.append(c)
    return "".join(kept) if len(kept) >= 2 else ""


def trigrams(part: str) -> set[str]:
    padded = f"${part}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@functools.lru_cache(maxsize=100_000)
def _part_forms(part: str) -> frozenset[tuple[int, str]]:
    """The derived forms of one name part (cached: names repeat a lot)."""
    forms: set[tuple[int, str]] = {(TokenKind.NAME, part)}
    letters = "".join(c for c in part if c.isalpha())
    if letters:
        forms.add((TokenKind.PHONETIC, jellyfish.metaphone(letters)))
        forms.add((TokenKind.NYSIIS, jellyfish.nysiis(letters)))
        forms.add((TokenKind.SKELETON, skeleton(letters)))
    forms.update((TokenKind.TRIGRAM, gram) for gram in trigrams(part))
    return frozenset((kind, form) for kind, form in forms if form)


def name_forms(parts: Sequence[str]) -> set[tuple[int, str]]:
    forms: set[tuple[int, str]] = set()
    for part in parts:
        forms.update(_part_forms(part))
    return forms


def date_of_birth_form(value: datetime.date) -> tuple[int, str]:
    return (TokenKind.DATE_OF_BIRTH, value.isoformat())


def citizenship_form(code: str) -> tuple[int, str]:
    return (TokenKind.CITIZENSHIP, code.strip().upper())


def fields_forms(fields: dict[str, Any]) -> set[tuple[int, str]]:
    """Every derived form of a person's searchable fields (the keyword arguments of person_create)."""
    aliases = fields.get("aliases")
    texts = [
        fields.get("given_names") or "",
        fields.get("family_name") or "",
        fields.get("name_original_script") or "",
        *map(str, aliases if isinstance(aliases, list) else []),
    ]
    forms = name_forms(name_parts(texts))
    born = fields.get("date_of_birth")
    if isinstance(born, datetime.date):
        forms.add(date_of_birth_form(born))
    citizenships = fields.get("citizenships")
    forms.update(citizenship_form(str(code)) for code in (citizenships or []) if code)
    return forms


def person_forms(person: Person) -> set[tuple[int, str]]:
    return fields_forms({name: getattr(person, name) for name in SEARCHABLE})


def fields_tokens(fields: dict[str, Any], key: bytes) -> list[tuple[int, int]]:
    """(kind, token) pairs of a person's fields: what the bench seed writes in bulk."""
    return [(kind, _token_cached(kind, form, key)) for kind, form in fields_forms(fields)]


@functools.lru_cache(maxsize=500_000)
def _token_cached(kind: int, form: str, key: bytes) -> int:
    return token_of(kind, form, key)


def tokens_for(person: Person, key: bytes | None = None) -> list[PersonSearchToken]:
    """The token rows of one person (not saved)."""
    key = key or _key()
    return [
        PersonSearchToken(
            organisation_id=person.organisation_id, person_id=person.pk, kind=kind, token=token_of(kind, form, key)
        )
        for kind, form in sorted(person_forms(person))
    ]


def person_reindex(person: Person) -> None:
    """Replace the person's tokens (in the caller's transaction)."""
    PersonSearchToken.objects.filter(person_id=person.pk).delete()
    PersonSearchToken.objects.bulk_create(tokens_for(person))


@dataclass(frozen=True)
class Hit:
    person_id: int
    score: int
    share: float


def _weight_case(kinds: Sequence[int] | None = None) -> Case:
    return Case(
        *(When(kind=kind, then=Value(weight)) for kind, weight in WEIGHTS.items() if kinds is None or kind in kinds),
        default=Value(0),
        output_field=IntegerField(),
    )


def search_hits(
    *,
    scope: dict[str, Any],
    query: str,
    date_of_birth: datetime.date | None = None,
    citizenship: str | None = None,
    limit: int = LIMIT,
    threshold: float = THRESHOLD,
    exclude_person_id: int | None = None,
) -> list[Hit]:
    """Best matches within `scope` (a personal_record_scope filter), best first.

    Filters (date of birth, citizenship) must match exactly; with no name they list the
    people they match.
    """
    key = _key()
    organisation_id = scope["organisation_id"]
    tokens = PersonSearchToken.objects.filter(organisation_id=organisation_id)
    if "created_by_id" in scope:
        tokens = tokens.filter(person__created_by_id=scope["created_by_id"])
    if exclude_person_id is not None:
        tokens = tokens.exclude(person_id=exclude_person_id)
    for form in (
        date_of_birth_form(date_of_birth) if date_of_birth else None,
        citizenship_form(citizenship) if citizenship else None,
    ):
        if form:
            wanted = PersonSearchToken.objects.filter(organisation_id=organisation_id, token=token_of(*form, key))
            tokens = tokens.filter(person_id__in=wanted.values("person_id"))

    forms = name_forms(name_parts([query])[:MAX_PARTS])
    if not forms:
        if not (date_of_birth or citizenship):
            return []
        ids = tokens.values_list("person_id", flat=True).distinct().order_by("-person_id")[:limit]
        return [Hit(person_id=pk, score=0, share=1.0) for pk in ids]

    best = sum(WEIGHTS[TokenKind(kind)] for kind, _ in forms)
    consonant_best = sum(WEIGHTS[TokenKind(kind)] for kind, _ in forms if kind in CONSONANT_KINDS)
    by_token = {token_of(kind, form, key): kind for kind, form in forms}
    enough = Q(score__gte=max(1, round(best * threshold)))
    if consonant_best:
        enough |= Q(consonant__gte=max(1, round(consonant_best * CONSONANT_THRESHOLD)))
    ranked = (
        tokens.filter(token__in=list(by_token))
        .values("person_id")
        .annotate(score=Sum(_weight_case()), consonant=Sum(_weight_case(CONSONANT_KINDS)))
        .filter(enough)
        .order_by("-score", "-consonant", "-person_id")[:limit]
    )
    rows = list(ranked)
    floor = RELATIVE * rows[0]["score"] if rows else 0
    consonant_floor = consonant_best * CONSONANT_THRESHOLD if consonant_best else None
    return [
        Hit(person_id=row["person_id"], score=row["score"], share=row["score"] / best)
        for row in rows
        if row["score"] >= floor or (consonant_floor is not None and row["consonant"] >= consonant_floor)
    ]
