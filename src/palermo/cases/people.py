"""How cases show a person, whatever fields the Person model has at the moment.

`reference` and `display_name` arrive with another branch; until then the full name (or an id)
stands in, so every page works before and after.
"""

from __future__ import annotations

from typing import Any


def person_label(person: Any) -> str:
    """The name to show to the owning organisation: display name, else full name, else reference."""
    display = getattr(person, "display_name", None)
    if display:
        return str(display)
    names = " ".join(
        part for part in (getattr(person, "given_names", ""), getattr(person, "family_name", "")) if part
    ).strip()
    return names or person_reference(person)


def person_reference(person: Any) -> str:
    """The pseudonymous reference, safe to print and log; an id-based stand-in until references exist."""
    return str(getattr(person, "reference", "") or f"P-{person.pk}")
