"""The acting user of an API request, set once by the token's authentication (palermo.accounts.authentication)."""

from __future__ import annotations

from rest_framework.request import Request

from palermo.permissions import ActingUser


def api_acting(request: Request) -> ActingUser:
    acting: ActingUser = request._request.acting  # type: ignore[attr-defined]
    return acting
