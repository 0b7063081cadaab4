"""Reads about organisations: the directory holds no personal data."""

from __future__ import annotations

from django.db.models import QuerySet

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
