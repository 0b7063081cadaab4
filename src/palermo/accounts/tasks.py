"""Background housekeeping for sign-in data, run through the one task mechanism.

In development the task runs in-process; in production a worker picks it up from the
database (`palermo db_worker`) or from Redis (`palermo rqworker --job-class django_tasks_rq.Job`).
"""

from __future__ import annotations

import datetime
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks import task

from palermo.accounts.models import LoginSession


@task()
def housekeeping() -> dict[str, int]:
    """Drop expired sessions, stale lockout records, abandoned authenticator set-ups, and sign-in
    records (address, browser, e-mail) older than PALERMO_ACCESS_LOG_DAYS."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    store.clear_expired()
    ended = [s.pk for s in LoginSession.objects.all() if not store().exists(s.session_key)]
    LoginSession.objects.filter(pk__in=ended).delete()
    cooloff = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=timezone.now() - cooloff).delete()
    setups, _ = TOTPDevice.objects.filter(
        confirmed=False, created_at__lt=timezone.now() - datetime.timedelta(days=1)
    ).delete()
    kept_since = timezone.now() - datetime.timedelta(days=settings.PALERMO_ACCESS_LOG_DAYS)
    access_log, _ = AccessLog.objects.filter(attempt_time__lt=kept_since).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=kept_since).delete()
    return {
        "sessions": len(ended),
        "lockouts": attempts,
        "setups": setups,
        "access_log": access_log + failures,
    }
