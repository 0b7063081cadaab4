"""The public reporting form speaks Romanian, Bulgarian and Ukrainian completely; the staff pages do not need to."""

from __future__ import annotations

import ast
import gettext
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import translation

from palermo.reporting import services
from tests.conftest import nothing_changes

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "palermo"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("ro", "bg", "uk")
PUBLIC_TEMPLATES = (
    "reporting/templates/reporting/public_base.html",
    "reporting/templates/reporting/report.html",
    "reporting/templates/reporting/sent.html",
    "reporting/templates/reporting/follow_up.html",
    "reporting/templates/reporting/not_found.html",
    "web/templates/web/form_fields.html",
)
PUBLIC_FILES = (
    *PUBLIC_TEMPLATES,
    "reporting/forms.py",
    "reporting/models.py",
    "reporting/services.py",
    "reporting/views.py",
    "reporting/api.py",
    "attachments/images.py",
)
PLACEHOLDER = re.compile(r"%\([^)]+\)[a-zA-Z]|%[sd]")
HEADING = "Report a suspicion of exploitation"


# --- A tiny .po reader ------------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    references: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def public(self) -> bool:
        return any(reference.rsplit(":", 1)[0] in PUBLIC_FILES for reference in self.references)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _string(token: str) -> str:
    return ast.literal_eval(token)  # a PO string is a double-quoted C string, which Python reads the same way


def read_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """The header fields and the entries of a .po file (obsolete `#~` entries are skipped)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        starts_entry = line.startswith("#") or line.split(" ", 1)[0] in ("msgctxt", "msgid")
        if starts_entry and entry.msgstr:  # a new entry without a blank line before it
            finish()
        if line.startswith("#:"):
            entry.references.extend(line[2:].split())
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path}: continuation line outside an entry: {line}"
            _append(entry, target, _string(line))
        else:
            keyword, _, rest = line.partition(" ")
            plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if plural:
                target = ("msgstr", int(plural.group(1)))
            elif keyword in ("msgid", "msgid_plural", "msgctxt", "msgstr"):
                target = (keyword, 0)
            else:
                raise AssertionError(f"{path}: unexpected line: {line}")
            _append(entry, target, _string(rest), start=True)
    finish()
    header_entry = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    header = dict(line.split(": ", 1) for line in header_entry.msgstr.get(0, "").splitlines() if ": " in line)
    return header, [e for e in entries if e is not header_entry]


def _append(entry: Entry, target: tuple[str, int], text: str, *, start: bool = False) -> None:
    kind, index = target
    if kind == "msgstr":
        entry.msgstr[index] = ("" if start else entry.msgstr.get(index, "")) + text
    elif kind == "msgid":
        entry.msgid = ("" if start else entry.msgid) + text
    elif kind == "msgid_plural":
        entry.msgid_plural = ("" if start else entry.msgid_plural or "") + text
    else:
        entry.msgctxt = ("" if start else entry.msgctxt or "") + text


def _po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def public_entries(language: str) -> list[Entry]:
    return [entry for entry in read_po(_po_path(language))[1] if entry.public]


def translation_of(language: str, msgid: str) -> str:
    (entry,) = [e for e in public_entries(language) if e.msgid == msgid and e.msgctxt is None]
    return entry.msgstr[0]


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


# --- (a) the catalogues are complete for the public pages ------------------------------------------------


def test_the_reader_reads_the_french_catalogue_like_gettext():
    """Guards the tiny reader itself: it must agree with GNU gettext's compiled French catalogue."""
    _header, entries = read_po(LOCALE / "fr" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    assert any(e.msgid == "Leave this page now" for e in entries)
    assert any("\n" not in e.msgid and len(e.msgid) > 79 for e in entries)  # multi-line strings were joined


@pytest.mark.parametrize("language", LANGUAGES)
def test_header_names_the_language_and_its_plural_forms(language):
    header, _entries = read_po(_po_path(language))
    assert header["Language"] == language
    nplurals = {"ro": 3, "bg": 2, "uk": 3}[language]
    assert header["Plural-Forms"].startswith(f"nplurals={nplurals};")
    assert "charset=UTF-8" in header["Content-Type"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_string_is_translated_and_not_fuzzy(language):
    header, entries = read_po(_po_path(language))
    nplurals = int(re.search(r"nplurals=(\d+)", header["Plural-Forms"]).group(1))
    public = [e for e in entries if e.public]
    msgids = {e.msgid for e in public}
    # Enough to know the references were read, and the strings a frightened reader sees first are there.
    assert {"Leave this page now", "Please tell us what you saw.", "Your receipt code", HEADING} <= msgids
    assert len(public) >= 50
    missing = [e.msgid for e in public if not e.translated]
    assert not missing, f"{language}: untranslated public strings: {missing}"
    fuzzy = [e.msgid for e in public if "fuzzy" in e.flags]
    assert not fuzzy, f"{language}: fuzzy public strings: {fuzzy}"
    for entry in public:
        if entry.msgid_plural is None:
            assert set(entry.msgstr) == {0}, entry.msgid
            assert _placeholders(entry.msgstr[0]) == _placeholders(entry.msgid), entry.msgid
        else:
            assert set(entry.msgstr) == set(range(nplurals)), entry.msgid
            expected = set(_placeholders(entry.msgid_plural))
            for text in entry.msgstr.values():
                assert set(_placeholders(text)) == expected, entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_fuzzy_guess_can_ever_be_shown(language):
    """Staff strings stay untranslated here, but no entry may carry a fuzzy guess waiting to be compiled in."""
    _header, entries = read_po(_po_path(language))
    assert not [e.msgid for e in entries if "fuzzy" in e.flags]


@pytest.mark.parametrize("template", PUBLIC_TEMPLATES)
def test_every_string_in_the_public_templates_is_in_the_catalogues(template):
    """Catches a new sentence added to a public page without running makemessages again."""
    source = (PACKAGE / template).read_text(encoding="utf-8")
    literals = re.findall(r"""\{%\s*(?:translate|trans)\s+(?:"([^"]*)"|'([^']*)')""", source)
    msgids = {double or single for double, single in literals}
    for language in LANGUAGES:
        known = {e.msgid for e in public_entries(language) if e.translated}
        assert msgids <= known, f"{language}: not in the catalogue yet: {sorted(msgids - known)}"


# --- (b) the form in each language ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_is_served_in_the_language(client, language):
    response = client.get(f"/report/{language}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    exit_link = re.search(r'<a id="quick-exit"[^>]*>(.*?)</a>', page, re.DOTALL)
    assert exit_link is not None
    assert html.unescape(exit_link.group(1)).strip() == translation_of(language, "Leave this page now")
    assert "Leave this page now" not in page
    assert HEADING not in page
    assert html.escape(translation_of(language, HEADING)) in page


# --- (c) mistakes are explained in the language ---------------------------------------------------------


def _field_errors(page: str, name: str) -> list[str]:
    found = re.findall(rf'<p class="field-error" id="id_{name}_error">(.*?)</p>', page, re.DOTALL)
    return [html.unescape(text).strip() for text in found]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_empty_description_is_refused_in_the_language(client, language):
    with nothing_changes():
        response = client.post(f"/report/{language}/", {"description": "   ", "location": "Gara de Nord"})
    assert response.status_code == 400
    page = response.content.decode()
    # The form's own required check answers first (Django ships this sentence in all three languages);
    # should it ever let a blank through, the service's own sentence must answer, also translated.
    with translation.override(language):
        required = str(translation.gettext("This field is required."))
    ours = translation_of(language, "Please tell us what you saw.")
    assert required != "This field is required."
    errors = _field_errors(page, "description")
    assert errors
    assert set(errors) <= {required, ours}
    assert "This field is required." not in page
    assert "Please tell us what you saw." not in page
    assert "Gara de Nord" in page  # what the reader wrote is kept


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_service_asks_in_the_language_what_was_seen(language):
    with translation.override(language), pytest.raises(services.TipInputError) as refused:
        services.tip_submit(data={"description": "  \n "}, language=language)
    assert refused.value.fields["description"] == [translation_of(language, "Please tell us what you saw.")]


# --- (d) the compiled catalogues match the sources --------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_mo_file_is_compiled_from_the_current_po(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog  # the raw table, so "present" is not "falls back"
    for entry in public_entries(language):
        if not entry.translated:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            assert catalog.get(key) == entry.msgstr[0], f"{language}: stale .mo for {entry.msgid!r}"
        else:
            for index, text in entry.msgstr.items():
                assert catalog.get((key, index)) == text, f"{language}: stale .mo for {entry.msgid!r}[{index}]"
