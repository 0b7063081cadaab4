"""Session limits: end a session after inactivity, and after a maximum age in any case."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

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
