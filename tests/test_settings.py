"""Configuration from the environment: safe defaults, and a production mode that refuses to be unsafe."""

from __future__ import annotations

import importlib.util
import itertools
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

import palermo.settings
from tests.test_cli import PRODUCTION_SECRETS

PALERMO = Path(sys.executable).with_name("palermo")
PRODUCTION = {
    "PALERMO_ENV": "production",
    "ALLOWED_HOSTS": "palermo.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/palermo_unused",
    "REDIS_URL": "redis://127.0.0.1:6379/13",
    **PRODUCTION_SECRETS,
}


_CONFIG_PREFIXES = ("PALERMO_", "DATABASE_URL", "SECRET_KEY", "REDIS_URL", "CACHE_URL")
_loads = itertools.count()


def _settings_from(env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Run palermo/settings.py afresh, in this process, under exactly this environment.

    What `palermo check` would load, without the cost of a new interpreter: the module is
    executed under a name of its own, so the settings of the running test suite are untouched.
    """
    for name in os.environ:
        if name.startswith(_CONFIG_PREFIXES):
            monkeypatch.delenv(name)
    for name, value in {"PALERMO_DATA_DIR": str(tmp_path), **env}.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(f"_palermo_settings_{next(_loads)}", palermo.settings.__file__)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
def test_unsafe_or_incomplete_production_configuration_is_refused(tmp_path, monkeypatch, change, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        _settings_from({**PRODUCTION, **change}, tmp_path, monkeypatch)
    assert message in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_a_refused_configuration_stops_the_command_with_its_message(tmp_path):
    # The operator's view of the refusals above, once, through a real process.
    done = _palermo("check", env={**PRODUCTION, "SECRET_KEY": ""}, tmp_path=tmp_path)
    assert done.returncode == 1
    assert "Production needs these environment variables: SECRET_KEY" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_production_never_writes_local_secrets(tmp_path, monkeypatch):
    loaded = _settings_from(PRODUCTION, tmp_path, monkeypatch)
    assert PRODUCTION_SECRETS["SECRET_KEY"] == loaded.SECRET_KEY
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


def test_development_creates_private_local_secrets_once(tmp_path, monkeypatch):
    first_load = _settings_from({}, tmp_path, monkeypatch)
    secrets_file = tmp_path / "secrets.env"
    first = secrets_file.read_text()
    assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"
    assert "PALERMO_ENCRYPTION_KEYS=k1:" in first
    assert f"PALERMO_ENCRYPTION_KEYS={first_load.PALERMO_ENCRYPTION_KEYS}\n" in first
    second_load = _settings_from({}, tmp_path, monkeypatch)
    assert secrets_file.read_text() == first
    assert (second_load.SECRET_KEY, second_load.PALERMO_HMAC_KEY) == (
        first_load.SECRET_KEY,
        first_load.PALERMO_HMAC_KEY,
    )


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


# What production changes about a response: transport, cookies, headers. The database, cache,
# tasks and static storage stay the test suite's own; they do not decide any header.
_TRANSPORT = ("DEBUG", "ALLOWED_HOSTS", "MIDDLEWARE", "X_FRAME_OPTIONS", "CONTENT_SECURITY_POLICY")
_TRANSPORT_PREFIXES = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_", "LANGUAGE_COOKIE_")


@pytest.mark.django_db
def test_production_sends_hsts(tmp_path, monkeypatch):
    production = _settings_from(PRODUCTION, tmp_path, monkeypatch)
    applied = {
        name: getattr(production, name)
        for name in dir(production)
        if name in _TRANSPORT or name.startswith(_TRANSPORT_PREFIXES)
    }
    assert applied["SECURE_HSTS_SECONDS"] == 63072000
    with override_settings(**applied):
        response = Client().get("/login/", secure=True, HTTP_HOST="palermo.example.org")
        plain = Client().get("/login/", HTTP_HOST="palermo.example.org")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"
    # Plain HTTP is sent to HTTPS, never served.
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://palermo.example.org/login/"


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
def test_malformed_keys_are_refused_at_start_naming_the_variable_never_the_key(tmp_path, monkeypatch, change, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        _settings_from({**PRODUCTION, **change}, tmp_path, monkeypatch)
    assert message in str(refused.value)
    assert KEY_MATERIAL not in str(refused.value)
