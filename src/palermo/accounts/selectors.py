"""Reads about users: their memberships, tokens and the invitations they answer."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from palermo.accounts.models import ApiToken, User, token_digest
from palermo.organisations.models import Invitation, Membership


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True, organisation__is_active=True).select_related(
        "organisation"
    )


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(membership__user=user).select_related("membership__organisation")


def api_token_get_for_user(*, user: User, token_id: int | str) -> ApiToken:
    try:
        return api_token_list_for_user(user=user).get(pk=int(token_id))
    except (ApiToken.DoesNotExist, ValueError):
        raise Http404 from None


def api_token_authenticate(clear: str) -> ApiToken | None:
    """The usable token matching `clear`, with its membership, organisation and user loaded."""
    token = (
        ApiToken.objects.select_related("membership__organisation", "membership__user")
        .filter(digest=token_digest(clear), revoked_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if token is None:
        return None
    membership = token.membership
    if not (membership.is_active and membership.user.is_active and membership.organisation.is_active):
        return None
    return token


def invitation_get_by_secret(secret: str) -> Invitation | None:
    """The open invitation the link's secret names: not answered, revoked or expired."""
    return (
        Invitation.objects.select_related("organisation")
        .filter(
            digest=token_digest(secret),
            accepted_at=None,
            revoked_at=None,
            expires_at__gt=timezone.now(),
            organisation__is_active=True,
        )
        .first()
    )


def invitation_answered_by(*, secret: str, user: User) -> bool:
    """Whether `user` already took the role this link offered (the link then leads home)."""
    return Invitation.objects.filter(digest=token_digest(secret), membership__user=user).exists()
