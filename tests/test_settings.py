"""Configuration from the environment: safe defaults, and a production mode that refuses to be unsafe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import PRODUCTION_SECRETS

PALERMO = Path(sys.executable).with_name("palermo")
PRODUCTION = {
    "PALERMO_ENV": "production",
    "ALLOWED_HOSTS": "palermo.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/palermo_unused",
    "REDIS_URL": "redis://127.0.0.1:6379/13",
    **PRODUCTION_SECRETS,
}


def _palermo(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PALERMO_", "DATABASE_URL", "SECRET_KEY", "REDIS_URL", "CACHE_URL"))
    }
    return subprocess.run(
        [str(PALERMO), *args],
        env={**base, "PALERMO_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check_with_no_warnings(tmp_path):
    done = _palermo("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": ""}, "Production needs these environment variables: SECRET_KEY"),
        ({"PALERMO_ENCRYPTION_KEYS": "", "PALERMO_HMAC_KEY": ""}, "PALERMO_ENCRYPTION_KEYS, PALERMO_HMAC_KEY"),
        ({"ALLOWED_HOSTS": ""}, "Production needs ALLOWED_HOSTS"),
        ({"DEBUG": "true"}, "DEBUG must be off in production"),
        ({"PALERMO_ENV": "staging"}, "PALERMO_ENV must be one of production, development, demo"),
        ({"PALERMO_TASKS_BACKEND": "celery"}, "PALERMO_TASKS_BACKEND must be one of"),
        ({"PALERMO_TASKS_BACKEND": "redis", "REDIS_URL": ""}, "needs REDIS_URL"),
        ({"PALERMO_PROXY_COUNT": "-1"}, "PALERMO_PROXY_COUNT is the number of reverse proxies in front"),
    ],
)
def test_unsafe_or_incomplete_production_configuration_is_refused(tmp_path, change, message):
    done = _palermo("check", env={**PRODUCTION, **change}, tmp_path=tmp_path)
    assert done.returncode != 0
    assert message in done.stderr
    assert not (tmp_path / "secrets.env").exists()


@pytest.mark.parametrize("cache", [{"REDIS_URL": ""}, {"REDIS_URL": "", "CACHE_URL": "locmem://"}])
def test_the_deployment_check_refuses_a_cache_each_worker_keeps_to_itself(tmp_path, cache):
    # With one cache per gunicorn worker, every worker would count its own tips and receipts.
    env = {**PRODUCTION, **cache, "PALERMO_TASKS_BACKEND": "database"}
    done = _palermo("check", "--deploy", env=env, tmp_path=tmp_path)
    assert done.returncode == 1
    assert "palermo.E001" in done.stderr
    assert "REDIS_URL" in done.stderr
    # Outside --deploy (migrate, a management command) it does not stand in the way.
    assert _palermo("check", env=env, tmp_path=tmp_path).returncode == 0


def test_the_deployment_check_warns_of_a_shared_cache_that_cannot_count_atomically(tmp_path):
    env = {**PRODUCTION, "REDIS_URL": "", "CACHE_URL": "dbcache://palermo_cache", "PALERMO_TASKS_BACKEND": "database"}
    done = _palermo("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)
    assert done.returncode == 1
    assert "palermo.W001" in done.stderr
    assert "palermo.E001" not in done.stderr


def test_production_never_writes_local_secrets(tmp_path):
    _palermo("check", env=PRODUCTION, tmp_path=tmp_path)
    assert not (tmp_path / "secrets.env").exists()


def test_development_creates_private_local_secrets_once(tmp_path):
    assert _palermo("check", env={}, tmp_path=tmp_path).returncode == 0
    secrets_file = tmp_path / "secrets.env"
    first = secrets_file.read_text()
    assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"
    assert "PALERMO_ENCRYPTION_KEYS=k1:" in first
    _palermo("check", env={}, tmp_path=tmp_path)
    assert secrets_file.read_text() == first


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get("/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


def test_production_sends_hsts(tmp_path):
    code = (
        "from django.test import Client; "
        "r = Client().get('/login/', secure=True, HTTP_HOST='palermo.example.org'); "
        "print(r.status_code, r.headers.get('Strict-Transport-Security'))"
    )
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3", "REDIS_URL": ""}
    _palermo("migrate", "-v0", env=env, tmp_path=tmp_path)
    _palermo("collectstatic", "--no-input", "-v0", env=env, tmp_path=tmp_path)
    done = _palermo("shell", "-v0", "-c", code, env=env, tmp_path=tmp_path)
    assert done.stdout.split() == ["200", "max-age=63072000;", "includeSubDomains;", "preload"], done.stderr


KEY_MATERIAL = "Zm9vYmFyYmF6cXV4"  # base64 of 12 bytes: a key too short to be safe


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"PALERMO_ENCRYPTION_KEYS": f"k1:{KEY_MATERIAL}"},
            "PALERMO_ENCRYPTION_KEYS: key 'k1' must be 32 bytes, not 12",
        ),
        (
            {"PALERMO_ENCRYPTION_KEYS": KEY_MATERIAL},
            "PALERMO_ENCRYPTION_KEYS entries look like `k2:<base64 of 32 bytes>`",
        ),
        ({"PALERMO_ENCRYPTION_KEYS": f"k1:{KEY_MATERIAL}!"}, "PALERMO_ENCRYPTION_KEYS: key 'k1' is not valid base64"),
        ({"PALERMO_HMAC_KEY": KEY_MATERIAL}, "PALERMO_HMAC_KEY is too short: it needs at least 32 characters"),
        (
            {"PALERMO_ENV": "development", "PALERMO_HMAC_KEY": KEY_MATERIAL},
            "PALERMO_HMAC_KEY is too short: it needs at least 32 characters",
        ),
    ],
)
def test_malformed_keys_are_refused_at_start_naming_the_variable_never_the_key(tmp_path, change, message):
    done = _palermo("check", "--deploy", env={**PRODUCTION, **change}, tmp_path=tmp_path)
    assert done.returncode != 0
    assert message in done.stderr
    assert KEY_MATERIAL not in done.stderr + done.stdout
