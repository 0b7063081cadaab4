"""Reads about organisations: the directory holds no personal data."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from palermo.accounts.models import User, token_digest
from palermo.organisations.models import Invitation, Membership, Organisation
from palermo.permissions import Actor, Capability, require


def organisation_directory(*, actor: Actor) -> QuerySet[Organisation]:
    require(actor, Capability.DIRECTORY_VIEW)
    return Organisation.objects.filter(is_active=True).order_by("name")


def member_list_for(*, actor: Actor) -> QuerySet[Membership]:
    """The memberships of the actor's organisation, for its admins."""
    require(actor, Capability.MEMBERS_MANAGE)
    assert actor.membership is not None
    return (
        Membership.objects.filter(organisation_id=actor.membership.organisation_id)
        .select_related("user")
        .order_by("user__email", "role")
    )


def invitation_list_for(*, actor: Actor) -> QuerySet[Invitation]:
    """The organisation's open invitations, for its admins."""
    require(actor, Capability.MEMBERS_MANAGE)
    assert actor.membership is not None
    return Invitation.objects.filter(
        organisation_id=actor.membership.organisation_id, accepted_at=None, revoked_at=None
    ).order_by("email", "role")


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
