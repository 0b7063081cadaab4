"""Bytes encrypted at rest with the project's keyring (AES-256-GCM, bound to the model field)."""

from __future__ import annotations

import base64
from typing import Any

from django.db import models

from palermo.encryption.fields import EncryptedFieldMixin


class EncryptedBinaryField(EncryptedFieldMixin, models.TextField):
    """Bytes in, bytes out; the database holds only ciphertext, under the same keys and rotation
    as every encrypted field. Defer it in lists: it is decrypted whenever a row is loaded."""

    def to_python(self, value: Any) -> Any:
        return value

    def serialise(self, value: bytes) -> str:
        return base64.b64encode(value).decode()

    def deserialise(self, value: str) -> bytes:
        return base64.b64decode(value)
