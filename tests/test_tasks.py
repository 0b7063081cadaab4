"""Background work goes through one task mechanism, whichever backend runs it."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from palermo.accounts.models import LoginSession
from palermo.accounts.tasks import housekeeping
from tests.conftest import copy_of_migrated, signed_in_client

PALERMO = Path(sys.executable).with_name("palermo")


def _stale_rows(user):  # type: ignore[no-untyped-def]
    LoginSession.objects.create(user=user, session_key="gone-already")
    AccessAttempt.objects.create(
        username="someone@example.test",
        ip_address="203.0.113.1",
        failures_since_start=3,
        user_agent="",
        path_info="/login/",
    )
    # attempt_time is set on creation; move it back past the cool-off.
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(hours=2))


@pytest.mark.django_db
def test_housekeeping_runs_in_process_by_default(org_a, member):
    worker = member("case_worker", org_a)
    live = signed_in_client(worker)
    live.get("/")
    _stale_rows(worker.user)
    result = housekeeping.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"sessions": 1, "lockouts": 1, "setups": 0, "access_log": 0}
    assert live.get("/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_database_backend_queues_until_a_worker_runs(org_a, member, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    _stale_rows(member("case_worker", org_a).user)
    result = housekeeping.enqueue()
    assert result.status == TaskResultStatus.READY
    assert LoginSession.objects.count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay")
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert LoginSession.objects.count() == 0


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        return False


def test_production_path_queues_in_redis_and_an_rq_worker_runs_it(tmp_path, migrated_data_dir):
    """The real thing: a Redis queue and an RQ worker process, as in production."""
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail("Redis is not answering on 127.0.0.1:6379")
        pytest.skip("Redis is not answering on 127.0.0.1:6379: the Redis task path was not tried")
    env = {
        **os.environ,
        "PALERMO_DATA_DIR": str(copy_of_migrated(migrated_data_dir, tmp_path)),
        "PALERMO_TASKS_BACKEND": "redis",
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "CACHE_URL": "locmem://",
    }
    env.pop("DATABASE_URL", None)

    def run(*args: str) -> str:
        done = subprocess.run([str(PALERMO), *args], env=env, capture_output=True, text=True, timeout=120, check=True)
        return done.stdout

    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    assert "queued on the redis backend" in run("housekeeping")
    assert redis.Redis.from_url(env["REDIS_URL"]).llen("rq:queue:default") == 1
    run("rqworker", "--burst", "--job-class", "django_tasks_rq.Job", "default")
    assert redis.Redis.from_url(env["REDIS_URL"]).llen("rq:queue:default") == 0
    finished = redis.Redis.from_url(env["REDIS_URL"]).zcard("rq:finished:default")
    assert finished == 1
