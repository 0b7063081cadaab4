"""Reading configuration from the environment, with safe defaults for a laptop.

Production refuses to start without its secrets. Development and demo generate
them once into the data directory (mode 0600) so that a fresh clone runs with no
configuration and restarts keep the same keys.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from palermo.encryption.keyring import parse_keys

ENVIRONMENTS = ("production", "development", "demo")
HMAC_KEY_MIN_LENGTH = 32
SECRET_NAMES = ("SECRET_KEY", "PALERMO_ENCRYPTION_KEYS", "PALERMO_HMAC_KEY")


def palermo_env() -> str:
    value = os.environ.get("PALERMO_ENV", "development")
    if value not in ENVIRONMENTS:
        raise ImproperlyConfigured(f"PALERMO_ENV must be one of {', '.join(ENVIRONMENTS)}, not {value!r}.")
    return value


def new_encryption_key(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}"


def _generate_secrets() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PALERMO_ENCRYPTION_KEYS": new_encryption_key("k1"),
        "PALERMO_HMAC_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }


def _read_secrets_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def load_secrets(env: str, data_dir: Path) -> dict[str, str]:
    """Secrets from the environment; outside production, fill gaps from a local file."""
    found = {name: os.environ[name] for name in SECRET_NAMES if os.environ.get(name)}
    if len(found) == len(SECRET_NAMES):
        check_secrets(found)
        return found
    if env == "production":
        missing = ", ".join(name for name in SECRET_NAMES if name not in found)
        raise ImproperlyConfigured(f"Production needs these environment variables: {missing}.")
    path = data_dir / "secrets.env"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        generated = _generate_secrets()
        draft = data_dir / f".secrets.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("# Generated for local development and demo only. Never use in production.\n")
            handle.writelines(f"{name}={value}\n" for name, value in generated.items())
        # link() is atomic and refuses to overwrite: concurrent first starts agree on one file.
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    stored = _read_secrets_file(path)
    values = {**stored, **found}
    check_secrets(values)
    return values


def check_secrets(values: dict[str, str]) -> None:
    """Refuse malformed keys at start, naming the variable and what is wrong, never the key itself."""
    parse_keys(values.get("PALERMO_ENCRYPTION_KEYS", ""))
    _check_hmac_key("PALERMO_HMAC_KEY", values.get("PALERMO_HMAC_KEY", ""))


def _check_hmac_key(name: str, value: str) -> None:
    if len(value.strip()) < HMAC_KEY_MIN_LENGTH:
        raise ImproperlyConfigured(
            f"{name} is too short: it needs at least {HMAC_KEY_MIN_LENGTH} characters of random data, "
            "such as 32 random bytes in base64."
        )


def record_hmac_key() -> str:
    """PALERMO_RECORD_HMAC_KEY, optional. Empty: the audit chain, tip receipts and recovery codes derive
    from PALERMO_HMAC_KEY like everything else (see palermo.hmac_keys.RECORD_PURPOSES)."""
    value = os.environ.get("PALERMO_RECORD_HMAC_KEY", "")
    if value:
        _check_hmac_key("PALERMO_RECORD_HMAC_KEY", value)
    return value
