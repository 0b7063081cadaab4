"""Language names for people to read: "Romanian" (or "roumain" in French), never "ro".

Records, the API and exports for machines keep ISO 639-1 codes; pages, PDFs and files for people
show names in the reader's language, through `language_name` (and the `language_name` filter).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

# Languages often spoken by people met in trafficking cases that Django has no name for: English names,
# translated when shown (`language_name`); people.choices offers them in a person's record.
EXTRA_LANGUAGES: dict[str, str] = {
    "am": _("Amharic"),
    "ff": _("Fula"),
    "ha": _("Hausa"),
    "ig": _("Igbo"),
    "ku": _("Kurdish"),
    "ln": _("Lingala"),
    "om": _("Oromo"),
    "pa": _("Punjabi"),
    "ps": _("Pashto"),
    "si": _("Sinhala"),
    "so": _("Somali"),
    "ti": _("Tigrinya"),
    "tl": _("Tagalog"),
    "wo": _("Wolof"),
    "yo": _("Yoruba"),
}


def language_name(code: object) -> str:
    """The language's name in the active language; an unknown code is shown as it is."""
    text = str(code or "").strip()
    info = LANG_INFO.get(text.lower())
    if info and "name" in info:
        # Django's own catalogue translates its language names ("Romanian" -> "Roumain").
        return gettext(info["name"])
    if text.lower() in EXTRA_LANGUAGES:
        return gettext(EXTRA_LANGUAGES[text.lower()])
    return text


def language_names(codes: Iterable[object] | None) -> list[str]:
    return [language_name(code) for code in codes or []]
