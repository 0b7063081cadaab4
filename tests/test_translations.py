"""The French translation: complete, compiled, in step with the source, and used by the pages.

When a test here fails after you added or changed a user-facing string, run `make messages`,
translate the new entries in src/palermo/locale/fr/LC_MESSAGES/django.po (remove any `fuzzy`
flag once checked), then run `make messages` again to recompile django.mo; commit both files.
"""

from __future__ import annotations

import gettext
import html
import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

import palermo
from palermo.organisations.models import Role
from tests.conftest import signed_in_client

PACKAGE_DIR = Path(palermo.__file__).resolve().parent
FR_DIR = PACKAGE_DIR / "locale" / "fr" / "LC_MESSAGES"
PO_FILE = FR_DIR / "django.po"
MO_FILE = FR_DIR / "django.mo"
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")
HOW_TO_FIX = "Run `make messages`, translate src/palermo/locale/fr/LC_MESSAGES/django.po, then `make messages` again."


# --- A small reader for .po files (the standard library has none) ----------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def translations(self) -> list[str]:
        return (
            [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]
            if self.msgid_plural is not None
            else [self.msgstr]
        )

    @property
    def is_translated(self) -> bool:
        return all(self.translations) and bool(self.translations)

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}" + (f" (context {self.msgctxt!r})" if self.msgctxt else "")


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted PO string: {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """Every entry, the header (msgid "") first; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    pending_flags: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword == "msgctxt" or (keyword == "msgid" and (target is None or target[0] != "msgctxt")):
                current = Entry(flags=pending_flags, line=number)
                pending_flags = set()
                entries.append(current)
            assert current is not None, f"{path}:{number}: {keyword} outside an entry"
            if index is not None:
                current.msgstr_plural[int(index)] = value
                target = ("msgstr_plural", int(index))
            else:
                setattr(current, keyword, value)
                target = (keyword, None)
            continue
        assert current is not None, f"{path}:{number}: unexpected line {raw!r}"
        assert target is not None, f"{path}:{number}: unexpected line {raw!r}"
        name, index = target
        if index is None:
            setattr(current, name, getattr(current, name) + _unquote(line))
        else:
            current.msgstr_plural[index] += _unquote(line)
    return entries


def _header(entries: list[Entry]) -> Entry:
    assert entries, "the .po is empty"
    assert (entries[0].msgctxt, entries[0].msgid) == (None, ""), "the .po has no header entry"
    return entries[0]


def _messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if not (entry.msgid == "" and entry.msgctxt is None)]


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    assert PO_FILE.is_file(), f"missing {PO_FILE}"
    return read_po(PO_FILE)


# --- (a) The catalogue is complete and well formed -------------------------------------------------


def test_po_header_describes_french(po_entries: list[Entry]) -> None:
    header = _header(po_entries)
    fields = dict(line.split(": ", 1) for line in header.msgstr.splitlines() if ": " in line)
    assert "fuzzy" not in header.flags
    assert fields["Language"] == "fr"
    assert fields["Project-Id-Version"].startswith("Palermo")
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == "nplurals=2; plural=(n > 1);"


def test_every_message_is_translated_and_none_is_fuzzy(po_entries: list[Entry]) -> None:
    messages = _messages(po_entries)
    assert len(messages) > 100, "the catalogue looks truncated"
    fuzzy = [str(entry) for entry in messages if "fuzzy" in entry.flags]
    untranslated = [str(entry) for entry in messages if not entry.is_translated]
    assert not fuzzy, f"fuzzy entries: {fuzzy}. {HOW_TO_FIX}"
    assert not untranslated, f"untranslated entries: {untranslated}. {HOW_TO_FIX}"


def test_plural_entries_have_both_french_forms(po_entries: list[Entry]) -> None:
    plurals = [entry for entry in _messages(po_entries) if entry.msgid_plural is not None]
    assert plurals
    wrong = [str(entry) for entry in plurals if sorted(entry.msgstr_plural) != [0, 1]]
    assert not wrong, f"French needs msgstr[0] and msgstr[1]: {wrong}"


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{\{\s*[\w.]+\s*\}\}|\{\w*\}")


def test_placeholders_are_kept(po_entries: list[Entry]) -> None:
    wrong = []
    for entry in _messages(po_entries):
        expected = sorted(_PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in entry.translations:
            if text and sorted(_PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"{entry}: {text!r}")
    assert not wrong, "placeholders differ from the English:\n" + "\n".join(wrong)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_msgfmt_accepts_the_catalogue() -> None:
    """msgfmt --check also validates python-format strings and the header."""
    result = subprocess.run(
        [shutil.which("msgfmt") or "msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


# --- (b) The committed .mo is compiled from the current .po -----------------------------------------


def _expected_catalog(entries: list[Entry]) -> dict[object, str]:
    """What msgfmt puts in the .mo, keyed as gettext.GNUTranslations keys its catalogue."""
    catalog: dict[object, str] = {}
    for entry in entries:
        if "fuzzy" in entry.flags and entry.msgid != "":
            continue  # msgfmt leaves fuzzy entries out
        if not entry.is_translated:
            continue  # and untranslated ones
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if key == "":
            catalog[key] = _without_pot_date(entry.msgstr)
        elif entry.msgid_plural is None:
            catalog[key] = entry.msgstr
        else:
            for index, text in entry.msgstr_plural.items():
                catalog[(key, index)] = text
    return catalog


def _without_pot_date(header: str) -> str:
    """msgfmt drops POT-Creation-Date, which makemessages changes on every run."""
    return "".join(line for line in header.splitlines(keepends=True) if not line.startswith("POT-Creation-Date:"))


def test_mo_is_compiled_from_the_current_po(po_entries: list[Entry]) -> None:
    assert MO_FILE.is_file(), f"missing {MO_FILE}. {HOW_TO_FIX}"
    with MO_FILE.open("rb") as mo:
        compiled = dict(gettext.GNUTranslations(mo)._catalog)  # type: ignore[attr-defined]
    compiled[""] = _without_pot_date(compiled.get("", ""))
    expected = _expected_catalog(po_entries)
    stale = sorted(repr(key) for key in expected.keys() - compiled.keys())
    extra = sorted(repr(key) for key in compiled.keys() - expected.keys())
    changed = sorted(repr(key) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key])
    recompile = "Recompile with `make messages` (or `palermo compilemessages` in src/palermo)."
    assert not stale, f"django.mo lacks these entries of django.po: {stale}. {recompile}"
    assert not extra, f"django.mo holds entries no longer in django.po: {extra}. {recompile}"
    assert not changed, f"django.mo holds other translations than django.po for: {changed}. {recompile}"


# --- (c) Every translatable string of the source is in the catalogue --------------------------------


@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in GETTEXT_TOOLS),
    reason="GNU gettext (xgettext, msguniq, msgmerge, msgattrib) is not installed, so strings cannot be extracted",
)
def test_po_holds_every_string_of_the_source(
    po_entries: list[Entry], tmp_path: Path, settings: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Extract the strings as `make messages` does, from a copy so that the real catalogue stays untouched."""
    copy = tmp_path / "palermo"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc"))
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]  # type: ignore[attr-defined]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["fr"], no_obsolete=True, verbosity=0, stdout=io.StringIO())

    source = {entry.key for entry in _messages(read_po(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))}
    catalogue = {entry.key for entry in _messages(po_entries)}
    missing = sorted(str(key) for key in source - catalogue)
    obsolete = sorted(str(key) for key in catalogue - source)
    assert not missing, f"strings of the source missing from the French catalogue: {missing}. {HOW_TO_FIX}"
    assert not obsolete, f"strings no longer in the source: {obsolete}. {HOW_TO_FIX}"


# --- (d) The pages speak French to whoever chose it ------------------------------------------------


def _page(client, path: str = "/") -> str:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_home_page_in_french_when_the_language_cookie_says_so(org_a, member) -> None:  # type: ignore[no-untyped-def]
    from palermo.directory.models import DirectoryEntry

    DirectoryEntry.objects.create(
        name="Valmora Helpline", actor_type="ngo", level="local", country="ZZ", maintained_by=org_a
    )
    client = signed_in_client(member(Role.CASE_WORKER, org_a))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = _page(client)
    assert '<html lang="fr">' in page
    assert ">Accueil</a>" in page  # "Home" in the main menu
    assert "Alpha Shelter · Chargé de dossier" in page  # the role label, from Role's TextChoices
    assert "Vous agissez pour l'organisation Alpha Shelter avec le rôle Chargé de dossier." in page
    assert "1 organisation dans l'annuaire." in page  # French plural: 1 takes the singular
    assert "traite des êtres humains" in page
    assert ">Home</a>" not in page


def test_home_page_stays_in_english_by_default(org_a, member) -> None:  # type: ignore[no-untyped-def]
    page = _page(signed_in_client(member(Role.CASE_WORKER, org_a)))
    assert '<html lang="en">' in page
    assert ">Home</a>" in page
    assert "Case worker" in page
