"""`{{ code|language_name }}` and `{{ codes|language_names }}`: names people read, never codes."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from palermo.web import languages

register = template.Library()


@register.filter
def language_name(code: object) -> str:
    return languages.language_name(code)


@register.filter
def language_names(codes: Iterable[object] | None) -> str:
    """The names joined with commas, or "—" when there are none."""
    return ", ".join(languages.language_names(codes)) or "—"
