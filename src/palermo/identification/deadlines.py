"""Deadlines of identification: the rule is stored as a number of days, dates are computed.

Working days skip weekends and the public holidays of the organisation's country, from the
maintained `holidays` package; a country it does not know gets weekends only.
"""

from __future__ import annotations

import datetime
import functools

import holidays
from django.conf import settings


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


def reasonable_grounds_due(referred_on: datetime.date, country: str) -> datetime.date:
    return add_working_days(referred_on, settings.PALERMO_REASONABLE_GROUNDS_WORKING_DAYS, country)


def recovery_period_end(decided_on: datetime.date) -> datetime.date:
    # Council of Europe Convention, Art. 13: at least 30 days; the setting can only lengthen it.
    return decided_on + datetime.timedelta(days=settings.PALERMO_RECOVERY_PERIOD_DAYS)
