"""Resolve, once per request, the membership the user acts for: `request.acting`.

This is also the one place that holds the second factor for every request, not only at
sign-in: a session acts for a role that needs one only once a device has verified it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from palermo.accounts.selectors import membership_list_for_user
from palermo.permissions import ActingUser, Channel, role_needs_second_factor

SESSION_KEY = "palermo_membership_id"
# What an unverified session may still reach while held back: the step itself and the ways out.
UNVERIFIED_PATHS = ("accounts:second_factor", "accounts:logout", "accounts:membership_switch", "set_language")


def session_second_factor(request: HttpRequest) -> bool:
    """Whether this session was verified with a device (seeded demo users in demo mode need not be)."""
    user = request.user
    if getattr(user, "is_verified", None) is not None and user.is_verified():  # type: ignore[union-attr]
        return True
    return bool(settings.DEMO and getattr(user, "is_demo", False))


def second_factor_step(path: str) -> HttpResponse:
    return redirect(f"{reverse('accounts:second_factor')}?{urlencode({'next': path}, safe='/')}")


def acting_membership_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        request.acting = ActingUser(user=None, membership=None, channel=Channel.WEB)  # type: ignore[attr-defined]
        request.memberships = []  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            memberships = list(membership_list_for_user(user=user))
            if not memberships:
                # Every role was taken away: nothing left to act for.
                logout(request)
                return get_response(request)
            chosen = request.session.get(SESSION_KEY)
            acting = next((m for m in memberships if m.pk == chosen), memberships[0])
            if chosen != acting.pk:
                request.session[SESSION_KEY] = acting.pk
            request.memberships = memberships  # type: ignore[attr-defined]
            verified = session_second_factor(request)
            if role_needs_second_factor(acting.role) and not verified:
                # Held back: the session acts for nobody until a device verifies it. The role
                # may have been switched to or granted after a password-only sign-in.
                request.acting = ActingUser(user=user, membership=None, channel=Channel.WEB)  # type: ignore[attr-defined]
                if request.path.startswith("/api/") or request.path in _unverified_paths():
                    return get_response(request)
                return second_factor_step(request.get_full_path())
            request.acting = ActingUser(  # type: ignore[attr-defined]
                user=user, membership=acting, channel=Channel.WEB, second_factor=verified
            )
        return get_response(request)

    return middleware


def _unverified_paths() -> set[str]:
    return {reverse(name) for name in UNVERIFIED_PATHS}
