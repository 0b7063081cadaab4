"""French: the month written out (12 mars 2026), never 12/03/2026. DATE_FORMAT and DATETIME_FORMAT are
Django's (12 mars 2026), already unambiguous."""

SHORT_DATE_FORMAT = "j N Y"
SHORT_DATETIME_FORMAT = "j N Y H:i"
# ISO first: date fields are <input type="date">, which takes only ISO values (Django's first French
# format, 12/03/2026, left them empty); a date typed the French way is still read as 12 March.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"]
