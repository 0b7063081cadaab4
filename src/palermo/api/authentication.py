"""The acting user of an API request, set once by the token's authentication (palermo.accounts.authentication)."""

from __future__ import annotations

from rest_framework.request import Request

from palermo.permissions import Actor


def api_actor(request: Request) -> Actor:
    actor: Actor = request._request.actor  # type: ignore[attr-defined]
    return actor
