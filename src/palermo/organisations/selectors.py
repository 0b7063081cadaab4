"""Reads about organisations: the directory holds no personal data."""

from __future__ import annotations

from django.db.models import QuerySet

from palermo.organisations.models import Invitation, Membership, Organisation
from palermo.permissions import ActingUser, Capability, require


def organisation_directory(*, acting: ActingUser) -> QuerySet[Organisation]:
    require(acting, Capability.DIRECTORY_VIEW)
    return Organisation.objects.filter(is_active=True).order_by("name")


def member_list_for(*, acting: ActingUser) -> QuerySet[Membership]:
    """The memberships of the acting user's organisation, for its admins."""
    require(acting, Capability.MEMBERS_MANAGE)
    assert acting.membership is not None
    return (
        Membership.objects.filter(organisation_id=acting.membership.organisation_id)
        .select_related("user")
        .order_by("user__email", "role")
    )


def invitation_list_for(*, acting: ActingUser) -> QuerySet[Invitation]:
    """The organisation's open invitations, for its admins."""
    require(acting, Capability.MEMBERS_MANAGE)
    assert acting.membership is not None
    return Invitation.objects.filter(
        organisation_id=acting.membership.organisation_id, accepted_at=None, revoked_at=None
    ).order_by("email", "role")
