"""The `<time>` tags: the same HTML as the two `date` filters they replace, in the reader's language."""

from __future__ import annotations

import datetime

from django.template import engines
from django.utils import translation

DAY = datetime.date(2026, 3, 9)
MOMENT = datetime.datetime(2026, 3, 9, 23, 30, tzinfo=datetime.UTC)


def render(source: str, **context: object) -> str:
    return engines["django"].from_string("{% load dates %}" + source).render(context)


def test_a_date_is_the_same_as_with_the_date_filters() -> None:
    filters = render("""<time datetime="{{ d|date:'Y-m-d' }}">{{ d|date:"DATE_FORMAT" }}</time>""", d=DAY)
    assert render("{% show_date d %}", d=DAY) == filters == '<time datetime="2026-03-09">March 9, 2026</time>'
    with translation.override("fr"):
        assert render("{% show_date d %}", d=DAY) == '<time datetime="2026-03-09">9 mars 2026</time>'


def test_a_moment_is_shown_in_local_time(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "Europe/Vienna"
    filters = render("""<time datetime="{{ m|date:'c' }}">{{ m|date:"DATETIME_FORMAT" }}</time>""", m=MOMENT)
    shown = render("{% show_datetime m %}", m=MOMENT)
    assert shown == filters
    assert shown.startswith('<time datetime="2026-03-10T00:30:00+01:00">')  # already the next day in Vienna


def test_nothing_to_show_is_a_dash() -> None:
    assert render("{% show_date d %}|{% show_datetime d %}", d=None) == "—|—"
