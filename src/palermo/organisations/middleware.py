"""Resolve, once per request, the membership the user acts for: `request.actor`."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from palermo.accounts.selectors import membership_list_for_user
from palermo.permissions import Actor, Channel

SESSION_KEY = "palermo_membership_id"


def acting_membership_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        request.actor = Actor(user=None, membership=None, channel=Channel.WEB)  # type: ignore[attr-defined]
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
            request.actor = Actor(user=user, membership=acting, channel=Channel.WEB)  # type: ignore[attr-defined]
        return get_response(request)

    return middleware
