"""Working days: weekends and the public holidays of a country skipped, for deadlines counted in them.

The holidays come from the maintained `holidays` package; a country it does not know gets weekends only.
"""

from __future__ import annotations

import datetime
import functools

import holidays


@functools.cache
def _holidays(country: str, year: int) -> frozenset[datetime.date]:
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:
        return frozenset()


def is_working_day(day: datetime.date, country: str) -> bool:
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def add_working_days(start: datetime.date, days: int, country: str) -> datetime.date:
    """The date `days` working days after `start` (the start day itself does not count)."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, country):
            days -= 1
    return day
