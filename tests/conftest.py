from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from palermo.accounts.acting import SESSION_KEY
from palermo.accounts.middleware import LOGIN_AT, SEEN_AT
from palermo.accounts.services import api_token_create
from palermo.audit.models import AuditEntry
from palermo.identification.models import Screening
from palermo.identification.selectors import screening_catalogue
from palermo.identification.services import (
    screening_answer,
    screening_complete,
    screening_start,
    screening_submit_for_decision,
)
from palermo.organisations.models import Membership, Organisation, Role
from palermo.permissions import ActingUser, Channel
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _language_of_the_test_only() -> Iterator[None]:
    # A page request activates the reader's language in the thread and leaves it there; without this,
    # a test that reads a page in French changes the formats of every test that runs after it.
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def migrated_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A development data directory whose SQLite database `palermo migrate` built, once per run.

    Tests that start `palermo` or gunicorn take a copy (`copy_of_migrated`) instead of each running
    migrate in a new process again: that alone took a quarter of a minute every time. Under
    pytest-xdist the workers share pytest's directory for the run; the first to get here builds it
    while the others wait on the lock.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    data, built = root / "migrated", root / "migrated.built"
    with (root / "migrated.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            shutil.rmtree(data, ignore_errors=True)
            data.mkdir()
            env = {**os.environ, "PALERMO_DATA_DIR": str(data), "PALERMO_ENV": "development"}
            env.pop("DATABASE_URL", None)
            palermo = Path(sys.executable).with_name("palermo")
            done = subprocess.run(
                [str(palermo), "migrate", "-v0"], env=env, capture_output=True, text=True, timeout=600
            )
            assert done.returncode == 0, done.stderr
            built.touch()
    return data


def copy_of_migrated(migrated_data_dir: Path, destination: Path) -> Path:
    shutil.copytree(migrated_data_dir, destination, dirs_exist_ok=True)
    return destination


@pytest.fixture
def org_a(db: None) -> Organisation:
    return OrganisationFactory(name="Alpha Shelter")


@pytest.fixture
def org_b(db: None) -> Organisation:
    return OrganisationFactory(name="Beta Police", type="police")


@pytest.fixture
def member() -> Callable[..., Membership]:
    """member(role, organisation) -> a new user with that one role."""

    def make(role: str, organisation: Organisation, **kwargs: object) -> Membership:
        return MembershipFactory(role=role, organisation=organisation, **kwargs)

    return make


def acting_of(membership: Membership, channel: Channel = Channel.WEB) -> ActingUser:
    """The actor of a web session past both login steps (or of the API, with a token)."""
    return ActingUser(
        user=membership.user, membership=membership, channel=channel, second_factor=channel == Channel.WEB
    )


def signed_in_client(membership: Membership) -> Client:
    """A browser session past both login steps, acting for `membership`."""
    client = Client()
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    # The second step: this session is verified with the user's authenticator, as django-otp records it.
    device, _ = TOTPDevice.objects.get_or_create(
        user=membership.user, confirmed=True, defaults={"name": "Authenticator app"}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[LOGIN_AT] = session[SEEN_AT] = time.time()
    session[SESSION_KEY] = membership.pk
    session.save()
    return client


def api_client(membership: Membership) -> APIClient:
    _, clear = api_token_create(acting=ActingUser.system(), membership=membership, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {clear}")
    return client


ALL_ROLES = list(Role.values)


# What any request leaves behind, refused or not: its session, the sign-in throttle, the time a token was
# last used. The content types and permissions are Django's own and never change during a test.
_TRACES = {
    "sessions.session",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "axes.accessfailurelog",
    "axes.accesslog",
    "contenttypes.contenttype",
    "auth.permission",
}
_TRACE_FIELDS = {"accounts.apitoken": {"last_used_at"}}
# A refused change may read the record first to decide, and reads of personal data are audited.
_READS = (".view", ".list", ".search", ".shared_view", ".duplicates")


def _rows(model: type[models.Model], reads: bool) -> list[tuple[object, ...]]:
    # Plain SQL, the values as stored: dozens of tables are read twice per refusal, so no ORM on the way.
    label = model._meta.label_lower
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [f.column for f in model._meta.concrete_fields if f.attname not in _TRACE_FIELDS.get(label, ())]
    pk = model._meta.pk.column  # type: ignore[union-attr]
    columns = [pk, *(c for c in columns if c != pk)]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql, params = f"SELECT {quoted} FROM {table}", []  # noqa: S608 - names from the models' own metadata
    if label == "audit.auditentry" and reads:
        sql += " WHERE " + " AND ".join(["action NOT LIKE %s"] * len(_READS))
        params = [f"%{suffix}" for suffix in _READS]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY {connection.ops.quote_name(pk)}", params)
        return [tuple(row) for row in cursor.fetchall()]


@contextmanager
def nothing_changes(*, but: tuple[str, ...] = (), reads_audited: bool = False) -> Iterator[None]:
    """Asserts that the block created, changed and deleted no row of any model.

    For refusals: snapshot every table, run the refused request(s), compare. `but` names models
    ("app_label.model") that the refusal itself is meant to change, such as a device's failure count;
    `reads_audited` allows audit entries of reads (and the chain head they move), for refused
    changes that read the record before refusing.
    """
    skipped = _TRACES | {label.lower() for label in but}
    if reads_audited:
        skipped.add("audit.auditchainhead")
    watched = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and m._meta.label_lower not in skipped
    ]
    before = {m: _rows(m, reads_audited) for m in watched}
    yield
    changed = []
    for model, rows in before.items():
        after = _rows(model, reads_audited)
        if after != rows:
            old, new = {r[0]: r for r in rows}, {r[0]: r for r in after}
            created = sorted(set(new) - set(old), key=str)
            deleted = sorted(set(old) - set(new), key=str)
            updated = sorted((k for k in set(old) & set(new) if old[k] != new[k]), key=str)
            if model._meta.label_lower == "audit.auditentry":  # which action, to tell a read from a change
                created = list(AuditEntry.objects.filter(pk__in=created).values_list("pk", "action"))
            changed.append(f"{model._meta.label}: created {created}, deleted {deleted}, changed {updated}")
    assert not changed, "the refusal changed what it must leave alone: " + "; ".join(changed)


def tip_reader(organisation: Organisation) -> Membership:
    """Someone at `organisation` who may triage tips: a route can only send tips where someone reads them."""
    return MembershipFactory(role=Role.CASE_WORKER, organisation=organisation)


@pytest.fixture
def submitted_screening(org_a: Organisation, member: Callable[..., Membership]) -> tuple[Membership, Screening]:
    """A first responder of org_a and their completed screening, referred for an identification decision."""

    responder = member(Role.FIRST_RESPONDER, org_a)
    return responder, submit_screening_for_decision(responder, reference="Bus station")


def submit_screening_for_decision(responder: Membership, *, reference: str) -> Screening:
    """A screening by `responder` with one indicator answered yes, completed and referred for a decision."""
    screening = screening_start(acting=acting_of(responder), catalogue_id="municipal-general", reference=reference)
    first = screening_catalogue(screening).dimensions[0]
    screening_answer(
        acting=acting_of(responder),
        screening=screening,
        dimension_id=first.id,
        answers={first.indicators[0].id: "yes"},
        notes={},
    )
    screening_complete(acting=acting_of(responder), screening=screening, palermo={})
    screening_submit_for_decision(acting=acting_of(responder), screening=screening)
    return Screening.objects.get(pk=screening.pk)
