"""API authentication: `Authorization: Bearer TOKEN`; the token names the acting membership.

Here, beside the tokens, rather than in palermo.api: the API's base modules sit below every app,
and this one needs accounts. REST_FRAMEWORK in settings.py names these classes.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from palermo.accounts.models import ApiToken
from palermo.accounts.selectors import api_token_authenticate
from palermo.permissions import ActingUser, Channel


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, clear = header.partition(" ")
        if keyword != self.keyword or not clear.strip():
            raise exceptions.AuthenticationFailed("Use the header `Authorization: Bearer TOKEN`.")
        token = api_token_authenticate(clear.strip())
        if token is None:
            raise exceptions.AuthenticationFailed("The token is unknown, expired or revoked.")
        # A write per call would be costly; the last-use time only needs minute precision.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        request._request.acting = ActingUser(  # type: ignore[attr-defined]
            user=token.membership.user, membership=token.membership, channel=Channel.API
        )
        return token.membership.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class HasActingMembership(permissions.BasePermission):
    """Every endpoint needs a token; what it may then see is the permission layer's call."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, ApiToken)


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "A personal token from Account → Security."}
