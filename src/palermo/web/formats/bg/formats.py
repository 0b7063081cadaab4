"""The public reporting form's language: the month written out, never a numeric date."""

SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
