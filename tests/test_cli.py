"""The admin command line, run as an operator would: a real process, real exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_of_migrated

PALERMO = Path(sys.executable).with_name("palermo")


@pytest.fixture(scope="module")
def palermo(tmp_path_factory, migrated_data_dir):  # type: ignore[no-untyped-def]
    data = copy_of_migrated(migrated_data_dir, tmp_path_factory.mktemp("cli"))
    env = {**os.environ, "PALERMO_DATA_DIR": str(data), "PALERMO_ENV": "development"}
    env.pop("DATABASE_URL", None)

    def run(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
        extra = {"PALERMO_PASSWORD": password} if password else {}
        return subprocess.run(
            [str(PALERMO), *args],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    assert run("create-organisation", "Harbour Shelter", "--type", "ngo", "--country", "AT").returncode == 0
    return run


def test_operator_sets_up_an_organisation_user_and_token(palermo):
    made = palermo("create-organisation", "Quay Clinic", "--type", "health_service", "--country", "at")
    assert made.returncode == 0, made.stderr
    assert "Created organisation Quay Clinic" in made.stdout
    added = palermo(
        "add-user",
        "Worker@Example.test",
        "--organisation",
        "Harbour Shelter",
        "--role",
        "case_worker",
        password="a long enough passphrase",
    )
    assert added.returncode == 0, added.stderr
    assert "worker@example.test is Case worker at Harbour Shelter." in added.stdout
    token = palermo("token", "create", "worker@example.test", "--organisation", "Harbour Shelter")
    assert token.returncode == 0, token.stderr
    assert token.stdout.strip().startswith("plm_")
    assert "shown only now" in token.stderr
    verified = palermo("audit", "verify")
    assert verified.returncode == 0
    assert "Audit trail intact" in verified.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create-organisation", "X", "--type", "bakery", "--country", "AT"], "invalid choice: 'bakery'"),
        (["create-organisation", "X", "--country", "AT"], "--type"),
        (["create-organisation", "Harbour Shelter 2", "--type", "ngo", "--country", "Austria"], "country"),
        (["create-organisation", "Harbour Shelter", "--type", "ngo", "--country", "AT"], "already exists"),
        (
            ["add-user", "a@example.test", "--organisation", "Nowhere", "--role", "case_worker"],
            "No organisation is named 'Nowhere'",
        ),
        (
            ["add-user", "a@example.test", "--organisation", "Harbour Shelter", "--role", "boss"],
            "invalid choice: 'boss'",
        ),
        (
            ["add-user", "not-an-email", "--organisation", "Harbour Shelter", "--role", "analyst", "--no-password"],
            "email",
        ),
        (["token", "create", "ghost@example.test", "--organisation", "Harbour Shelter"], "has no active role"),
        (["token"], "required"),
        (["audit"], "required"),
    ],
)
def test_bad_arguments_get_a_clear_message_and_exit_code_2(palermo, args, message):
    done = palermo(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_weak_password_is_refused(palermo):
    done = palermo(
        "add-user", "weak@example.test", "--organisation", "Harbour Shelter", "--role", "analyst", password="123"
    )
    assert done.returncode == 2
    assert "too short" in done.stderr
    assert "Traceback" not in done.stderr


def test_demo_is_idempotent_and_prints_logins(palermo):
    count = (
        "from palermo.organisations.models import Organisation, Membership; from palermo.people.models import Person; "
        "print(Organisation.objects.filter(municipality='Valmora').count(), "
        "Membership.objects.filter(user__is_demo=True).count(), Person.objects.count())"
    )
    first = palermo("demo")
    assert first.returncode == 0, first.stderr
    assert "responder@valmora.test" in first.stdout
    assert "palermo-demo" in first.stdout
    after_first = palermo("shell", "-v0", "-c", count).stdout.split()
    assert after_first == ["4", "8", "3"]  # four organisations, eight demo roles, three people
    assert palermo("demo").returncode == 0
    assert palermo("shell", "-v0", "-c", count).stdout.split() == after_first


def test_demo_is_refused_in_production(palermo):
    done = subprocess.run(
        [str(PALERMO), "demo"],
        env={**os.environ, "PALERMO_ENV": "production", "ALLOWED_HOSTS": "example.org", **PRODUCTION_SECRETS},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "refused in production" in done.stderr


PRODUCTION_SECRETS = {
    "SECRET_KEY": "x" * 60 + "production-test-secret-key-0123456789",
    "PALERMO_ENCRYPTION_KEYS": "k1:" + "A" * 43,
    "PALERMO_HMAC_KEY": "B" * 43,
}
