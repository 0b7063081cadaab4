"""Model fields whose values are encrypted at rest (see keyring)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from palermo.encryption.keyring import keyring
from palermo.model_labels import stored_label


class EncryptedFieldMixin:
    """Encrypts on the way to the database, decrypts on the way back; no lookups but isnull.

    Filtering on ciphertext is meaningless, so any other lookup fails loudly instead of
    silently matching nothing; exact lookup goes through a blind index field.
    """

    model: type[models.Model]
    name: str

    def _context(self) -> str:
        return f"{stored_label(self.model)}.{self.name}"

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise FieldError(f"{self._context()} is encrypted and cannot be filtered with {lookup_name!r}.")
        return super().get_lookup(lookup_name)  # type: ignore[misc]

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None:
            return None
        plain = self.serialise(self.to_python(value))  # type: ignore[attr-defined]
        return keyring().encrypt(plain, self._context())

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self.deserialise(keyring().decrypt(value, self._context()))

    def serialise(self, value: Any) -> str:
        return str(value)

    def deserialise(self, value: str) -> Any:
        return value


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    pass


class EncryptedDateField(EncryptedFieldMixin, models.TextField):
    """A date, stored encrypted (as ISO text inside the ciphertext)."""

    def to_python(self, value: Any) -> datetime.date | None:
        if value is None or isinstance(value, datetime.date):
            return value
        return models.DateField().to_python(value)

    def serialise(self, value: datetime.date) -> str:
        return value.isoformat()

    def deserialise(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        return models.DateField(null=self.null, blank=self.blank).formfield(**kwargs)


class EncryptedJSONField(EncryptedFieldMixin, models.TextField):
    """Any JSON value, stored encrypted: for structured personal data such as screening answers."""

    def to_python(self, value: Any) -> Any:
        return value

    def serialise(self, value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    def deserialise(self, value: str) -> Any:
        return json.loads(value)


def encrypted_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedFieldMixin)]
