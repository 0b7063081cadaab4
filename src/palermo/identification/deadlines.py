"""Deadlines of identification: the rule is stored as a number of days, dates are computed.

Working days skip weekends and the public holidays of the organisation's country (palermo.common.workdays).
"""

from __future__ import annotations

import datetime

from django.conf import settings

from palermo.common.workdays import add_working_days


def reasonable_grounds_due(referred_on: datetime.date, country: str) -> datetime.date:
    return add_working_days(referred_on, settings.PALERMO_REASONABLE_GROUNDS_WORKING_DAYS, country)


def recovery_period_end(decided_on: datetime.date) -> datetime.date:
    # Council of Europe Convention, Art. 13: at least 30 days; the setting can only lengthen it.
    return decided_on + datetime.timedelta(days=settings.PALERMO_RECOVERY_PERIOD_DAYS)
