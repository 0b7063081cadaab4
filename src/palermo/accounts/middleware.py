"""Session limits: end a session after inactivity, and after a maximum age in any case."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from palermo.joined import scoped_get

LOGIN_AT = "palermo_login_at"
SEEN_AT = "palermo_seen_at"


def session_limits_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            login_at = request.session.get(LOGIN_AT)
            seen_at = request.session.get(SEEN_AT)
            idle = settings.PALERMO_SESSION_IDLE_MINUTES * 60
            ceiling = settings.PALERMO_SESSION_MAX_HOURS * 3600
            if login_at is None or seen_at is None or now - seen_at > idle or now - login_at > ceiling:
                logout(request)
                return redirect(f"{reverse('accounts:login')}?expired=1")
            # Writing the session on every request would cost a write per page; a minute is precise enough.
            if now - seen_at > 60:
                request.session[SEEN_AT] = now
        return get_response(request)

    return middleware


def session_start(request: HttpRequest) -> None:
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


class SecondFactorMiddleware(OTPMiddleware):
    """django-otp's middleware: which device verified this session, read again on every request (a
    removed device ends the verification at once), by a statement written once (palermo.joined)
    instead of a query the ORM builds each time. django-otp still checks the device's user and that
    it is confirmed."""

    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        persistent_id = self._normalize_persistent_id(persistent_id)
        with suppress(ValueError, LookupError):
            model_label, device_id = persistent_id.rsplit("/", 1)
            model = apps.get_model(model_label)
            if issubclass(model, Device):
                return scoped_get(model, device_id, {})
        return None
