"""Authenticated encryption of personal fields, and keyed blind indexes for exact lookup.

Keys come from PALERMO_ENCRYPTION_KEYS: comma-separated `id:base64url(32 bytes)`, the
first one encrypts and every one decrypts, so a new key is added in front and
`palermo rotate-keys` re-encrypts the old rows. Ciphertexts look like
`pe1:<key id>:<base64url(nonce || AES-256-GCM output)>`; the associated data binds a
ciphertext to its model field, so it cannot be pasted into another column.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from palermo.hmac_keys import hmac_key

PREFIX = "pe1"


class DecryptionError(Exception):
    """A stored value could not be decrypted: unknown key, or tampered ciphertext."""


@dataclass(frozen=True)
class Keyring:
    primary_id: str
    keys: dict[str, bytes]

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self.keys[self.primary_id]).encrypt(nonce, plaintext.encode(), context.encode())
        return f"{PREFIX}:{self.primary_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str, context: str) -> str:
        try:
            prefix, key_id, payload = stored.split(":", 2)
        except ValueError:
            raise DecryptionError("not an encrypted value") from None
        if prefix != PREFIX or key_id not in self.keys:
            raise DecryptionError(f"no key {key_id!r} in PALERMO_ENCRYPTION_KEYS")
        raw = base64.urlsafe_b64decode(payload)
        try:
            return AESGCM(self.keys[key_id]).decrypt(raw[:12], raw[12:], context.encode()).decode()
        except Exception:
            raise DecryptionError("ciphertext failed authentication") from None

    @staticmethod
    def key_id_of(stored: str) -> str | None:
        parts = stored.split(":", 2)
        return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def parse_keys(value: str) -> Keyring:
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep or not key_id.isalnum():
            raise ImproperlyConfigured("PALERMO_ENCRYPTION_KEYS entries look like `k2:<base64 of 32 bytes>`.")
        try:
            key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_", validate=True)
        except ValueError:
            raise ImproperlyConfigured(f"PALERMO_ENCRYPTION_KEYS: key {key_id!r} is not valid base64.") from None
        if len(key) != 32:
            raise ImproperlyConfigured(f"PALERMO_ENCRYPTION_KEYS: key {key_id!r} must be 32 bytes, not {len(key)}.")
        if key_id in keys:
            raise ImproperlyConfigured(f"PALERMO_ENCRYPTION_KEYS: key id {key_id!r} appears twice.")
        keys[key_id] = key
        order.append(key_id)
    if not order:
        raise ImproperlyConfigured("PALERMO_ENCRYPTION_KEYS holds no key.")
    return Keyring(primary_id=order[0], keys=keys)


@functools.cache
def _keyring_for(value: str) -> Keyring:
    return parse_keys(value)


def keyring() -> Keyring:
    return _keyring_for(settings.PALERMO_ENCRYPTION_KEYS)


def normalise(text: str) -> str:
    """Case, accents and spacing do not matter for an exact lookup."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def blind_index(text: str, purpose: str) -> str:
    """Keyed digest of the normalised text: equal inputs match, the index alone reveals nothing."""
    return hmac.new(hmac_key(f"blind-index/{purpose}"), normalise(text).encode(), hashlib.sha256).hexdigest()
