"""Date formats for the staff pages and everything people read (FORMAT_MODULE_PATH in settings).

Django's own short formats are numeric (12/03/2026), which reads as 12 March in Paris and 3 December
in New York: a deadline read the wrong way is missed. Here every date a person reads writes its month
(12 Mar 2026, 12 mars 2026); machine-facing values (the API, `<time datetime>`, CSV cells for import)
stay ISO 8601. Formats not set here are Django's for the language.
"""
