"""A service's ValidationError shown on the form that called it, each message beside its field."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.forms import Form


def errors_into(form: Form, error: ValidationError, form_field_of: Mapping[str, str] | None = None) -> None:
    """Add the service's errors to `form`; `form_field_of` names the form fields that a service argument
    is called differently (a form field cannot be called `fields`). Errors of no field go on top."""
    for field, errors in error.message_dict.items():
        field = (form_field_of or {}).get(field, field)
        form.add_error(field if field in form.fields else None, errors)
