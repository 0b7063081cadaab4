"""English: the month written out (Mar 12, 2026), never 03/12/2026. DATE_FORMAT and DATETIME_FORMAT are
Django's (March 12, 2026), already unambiguous."""

SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y, P"
