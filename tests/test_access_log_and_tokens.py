"""Sign-in records are kept only as long as security needs them; operators list and revoke API tokens."""

from __future__ import annotations

import datetime
import io

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from palermo.accounts.models import ApiToken
from palermo.accounts.services import api_token_create
from palermo.accounts.tasks import housekeeping
from palermo.audit.models import AuditEntry
from palermo.organisations.models import Role
from palermo.permissions import ActingUser
from tests.factories import PASSWORD


def _sign_in_row(username: str, days_ago: float) -> AccessLog:
    row = AccessLog.objects.create(
        username=username, ip_address="198.51.100.4", user_agent="Firefox", http_accept="*/*", path_info="/login/"
    )
    AccessLog.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - datetime.timedelta(days=days_ago))
    return row


@pytest.mark.django_db
def test_a_real_sign_in_is_logged_with_address_and_browser(org_a, member):
    from django.test import Client

    analyst = member(Role.ANALYST, org_a)
    Client().post("/login/", {"email": analyst.user.email, "password": PASSWORD}, HTTP_USER_AGENT="Firefox")
    assert list(AccessLog.objects.values_list("username", "user_agent")) == [(analyst.user.email, "Firefox")]


@pytest.mark.django_db
def test_housekeeping_purges_sign_in_records_older_than_the_set_time(settings):
    settings.PALERMO_ACCESS_LOG_DAYS = 90
    old = _sign_in_row("old@example.test", 91)
    edge = _sign_in_row("edge@example.test", 89.9)
    recent = _sign_in_row("new@example.test", 1)
    failure = AccessFailureLog.objects.create(
        username="old@example.test", ip_address="198.51.100.4", user_agent="x", http_accept="", path_info="/login/"
    )
    AccessFailureLog.objects.filter(pk=failure.pk).update(attempt_time=timezone.now() - datetime.timedelta(days=91))
    result = housekeeping.enqueue()
    assert result.return_value["access_log"] == 2
    assert set(AccessLog.objects.values_list("pk", flat=True)) == {edge.pk, recent.pk}
    assert AccessFailureLog.objects.count() == 0
    assert old.pk not in set(AccessLog.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_shorter_retention_is_honoured(settings):
    settings.PALERMO_ACCESS_LOG_DAYS = 7
    _sign_in_row("a@example.test", 8)
    kept = _sign_in_row("b@example.test", 6)
    assert housekeeping.enqueue().return_value["access_log"] == 1
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [kept.pk]


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def tokens(org_a, org_b, member):
    worker = member(Role.CASE_WORKER, org_a)
    analyst = member(Role.ANALYST, org_b)
    first, first_clear = api_token_create(acting=ActingUser.system(), membership=worker, name="sync script")
    second, _ = api_token_create(acting=ActingUser.system(), membership=analyst, name="dashboard")
    ApiToken.objects.filter(pk=first.pk).update(
        created_at=datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC),
        last_used_at=datetime.datetime(2026, 11, 2, 10, 30, tzinfo=datetime.UTC),
    )
    ApiToken.objects.filter(pk=second.pk).update(created_at=datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC))
    return worker, analyst, first, second, first_clear


@pytest.mark.django_db
def test_token_list_shows_owner_organisation_and_use_but_never_the_secret(tokens):
    worker, analyst, first, second, first_clear = tokens
    listed = _run("list")
    lines = listed.strip().splitlines()
    assert lines[0].split("\t") == ["id", "name", "owner", "organisation", "role", "created", "last used", "state"]
    assert lines[1].split("\t") == [
        str(second.pk),
        "dashboard",
        analyst.user.email,
        "Beta Police",
        "analyst",
        "2026-11-03 09:00",
        "never",
        "active",
    ]
    assert lines[2].split("\t") == [
        str(first.pk), "sync script", worker.user.email, "Alpha Shelter", "case_worker", "2026-11-01 09:00",
        "2026-11-02 10:30", "active",
    ]  # fmt: skip
    assert first_clear not in listed
    assert first.prefix not in listed
    only = _run("list", "--email", worker.user.email.upper())
    assert [line.split("\t")[0] for line in only.strip().splitlines()[1:]] == [str(first.pk)]


@pytest.mark.django_db
def test_token_revoke_works_at_once_and_is_audited(tokens):
    worker, _analyst, first, second, first_clear = tokens
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {first_clear}")
    assert api.get("/api/v1/me").status_code == 200
    out = _run("revoke", str(first.pk))
    assert out.strip() == f"Token {first.pk} (sync script of {worker.user.email}) is revoked."
    assert api.get("/api/v1/me").status_code == 401
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None
    entry = AuditEntry.objects.get(action="token.revoke")
    assert (entry.organisation_id, entry.object_id, entry.channel, entry.actor_id) == (
        worker.organisation_id, str(first.pk), "cli", None
    )  # fmt: skip
    assert _run("list").strip().splitlines()[2].endswith("\trevoked")


@pytest.mark.django_db
@pytest.mark.parametrize("wanted", ["999999", "abc"])
def test_revoking_an_unknown_token_explains_and_changes_nothing(tokens, wanted):
    with pytest.raises(CommandError) as error:
        _run("revoke", wanted)
    assert error.value.returncode == 2
    assert str(error.value) == f"No token has the id {wanted}. See `palermo token list`."
    assert ApiToken.objects.filter(revoked_at=None).count() == 2
    assert not AuditEntry.objects.filter(action="token.revoke").exists()
