"""Who may see and do what: the one place that decides.

Every page, API endpoint and command asks this module through an `ActingUser` (the user,
the membership they act for, and the channel). Selectors use `personal_record_scope`
to filter querysets; services call `require` before they write.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from palermo.accounts.models import User
    from palermo.organisations.models import Membership, Organisation


# A membership's role (organisations.Membership.role). Defined here, with what each role may do,
# because every app asks this module and this module imports none of them.
class Role(models.TextChoices):
    FIRST_RESPONDER = "first_responder", _("First responder")
    CASE_WORKER = "case_worker", _("Case worker")
    DECISION_MAKER = "decision_maker", _("Decision maker")
    COORDINATOR = "coordinator", _("Coordinator")
    ANALYST = "analyst", _("Analyst")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    # Governs what the whole deployment shares (the fallback tip route, directory entries of other
    # organisations). Granted only by the server operator on the command line, never by an org admin.
    DEPLOYMENT_COORDINATOR = "deployment_coordinator", _("Deployment coordinator")


class Channel(StrEnum):
    WEB = "web"
    API = "api"
    CLI = "cli"
    SYSTEM = "system"


class Capability(StrEnum):
    PERSON_CREATE = "person.create"
    SCREENING_CONDUCT = "screening.conduct"
    TIPS_TRIAGE = "tips.triage"
    PERSON_VIEW_OWN = "person.view_own"
    PERSON_VIEW_ORGANISATION = "person.view_organisation"
    PERSON_CHANGE = "person.change"
    DECISION_RECORD = "decision.record"
    DIRECTORY_VIEW = "directory.view"
    PLANNING_MANAGE = "planning.manage"
    STATISTICS_VIEW = "statistics.view"
    MEMBERS_MANAGE = "members.manage"
    AUDIT_VIEW = "audit.view"
    CASE_OPEN = "case.open"
    CASE_MANAGE = "case.manage"
    REFERRAL_REVOKE = "referral.revoke"
    # "My work": due items and personal tasks, for the roles that work on cases and decisions.
    WORK_VIEW = "work.view"
    # Deployment-wide data: routes for tips from anywhere (the fallback among them) and directory
    # entries of organisations other than one's own. See docs/deployment-governance.md.
    DEPLOYMENT_GOVERN = "deployment.govern"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.FIRST_RESPONDER: frozenset(
        {
            Capability.PERSON_CREATE,
            Capability.SCREENING_CONDUCT,
            Capability.PERSON_VIEW_OWN,
            Capability.DIRECTORY_VIEW,
            Capability.CASE_OPEN,
            Capability.WORK_VIEW,
        }
    ),
    Role.CASE_WORKER: frozenset(
        {
            Capability.PERSON_CREATE,
            Capability.SCREENING_CONDUCT,
            Capability.TIPS_TRIAGE,
            Capability.PERSON_VIEW_ORGANISATION,
            Capability.PERSON_CHANGE,
            Capability.DIRECTORY_VIEW,
            Capability.CASE_OPEN,
            Capability.CASE_MANAGE,
            Capability.REFERRAL_REVOKE,
            Capability.WORK_VIEW,
        }
    ),
    Role.DECISION_MAKER: frozenset(
        {
            Capability.PERSON_VIEW_ORGANISATION,
            Capability.DECISION_RECORD,
            Capability.DIRECTORY_VIEW,
            Capability.WORK_VIEW,
        }
    ),
    Role.COORDINATOR: frozenset(
        {Capability.DIRECTORY_VIEW, Capability.PLANNING_MANAGE, Capability.STATISTICS_VIEW, Capability.REFERRAL_REVOKE}
    ),
    Role.ANALYST: frozenset({Capability.DIRECTORY_VIEW, Capability.STATISTICS_VIEW}),
    Role.ORG_ADMIN: frozenset({Capability.DIRECTORY_VIEW, Capability.MEMBERS_MANAGE, Capability.AUDIT_VIEW}),
    Role.DEPLOYMENT_COORDINATOR: frozenset(
        {
            Capability.DIRECTORY_VIEW,
            Capability.PLANNING_MANAGE,
            Capability.STATISTICS_VIEW,
            Capability.REFERRAL_REVOKE,
            Capability.DEPLOYMENT_GOVERN,
        }
    ),
}
# Roles only the server operator grants (`palermo add-user ... --role deployment_coordinator`): an
# organisation's admin must not be able to make one of their own members govern every organisation.
OPERATOR_GRANTED_ROLES = frozenset({Role.DEPLOYMENT_COORDINATOR})

PERSONAL_DATA_CAPABILITIES = frozenset(
    {Capability.PERSON_VIEW_OWN, Capability.PERSON_VIEW_ORGANISATION, Capability.PERSON_CHANGE}
)
# Roles that see people, or that control who can: they never log in on a password alone.
SECOND_FACTOR_ROLES = frozenset(
    role for role, caps in ROLE_CAPABILITIES.items() if caps & PERSONAL_DATA_CAPABILITIES
) | {Role.ORG_ADMIN, Role.DEPLOYMENT_COORDINATOR}


@dataclass(frozen=True)
class ActingUser:
    """Who is acting: a user through one membership, over one channel; or the system itself."""

    user: User | None
    membership: Membership | None
    channel: Channel
    # A web session verified with a device (or a seeded demo user in demo mode); never set for API or CLI.
    second_factor: bool = False

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @classmethod
    def system(cls, channel: Channel = Channel.CLI) -> ActingUser:
        return cls(user=None, membership=None, channel=channel)


def capabilities(acting: ActingUser) -> frozenset[Capability]:
    if acting.membership is None or not acting.membership.is_active:
        return frozenset()
    return ROLE_CAPABILITIES.get(acting.membership.role, frozenset())


def can(acting: ActingUser, capability: Capability) -> bool:
    return capability in capabilities(acting)


def require(acting: ActingUser, capability: Capability) -> None:
    """Raise PermissionDenied unless the acting user holds the capability."""
    if not can(acting, capability):
        raise PermissionDenied(capability.value)


def is_operator(acting: ActingUser) -> bool:
    """The server operator: the command line, acting for no membership."""
    return acting.channel == Channel.CLI and acting.membership is None


def governs_deployment(acting: ActingUser) -> bool:
    """Whether the acting user may change data the whole deployment shares: the operator or a deployment coordinator."""
    return is_operator(acting) or can(acting, Capability.DEPLOYMENT_GOVERN)


def _own_organisation(acting: ActingUser) -> int | None:
    if not can(acting, Capability.PLANNING_MANAGE) or acting.membership is None:
        return None
    return acting.membership.organisation_id


def may_set_tip_route(
    acting: ActingUser, *, area: str, organisation_id: int | None, replaced_organisation_id: int | None
) -> bool:
    """Who may route tips, or remove a route (then `organisation_id` is the route's and nothing is replaced).

    A route for anywhere (the fallback and every route without an area) takes tips from the whole
    deployment: only its governors set or remove one. A coordinator routes tips of a named area to
    their own organisation only, and never replaces or removes another organisation's route: that
    would let any organisation read tips meant for another.
    """
    if governs_deployment(acting):
        return True
    own = _own_organisation(acting)
    if own is None or not area:
        return False
    return organisation_id == own and replaced_organisation_id in (None, own)


def may_link_directory_entry(acting: ActingUser, organisation_id: int | None) -> bool:
    """Whether the acting user may say a directory entry describes the Palermo organisation `organisation_id`:
    only that organisation's coordinators, or the deployment's governors. Anyone else could publish a
    false "official" entry with its own safe contact and lock the real organisation out of its entry."""
    if organisation_id is None or governs_deployment(acting):
        return True
    return _own_organisation(acting) == organisation_id


def may_change_directory_entry(
    acting: ActingUser, *, linked_organisation_id: int | None, maintained_by_id: int
) -> bool:
    """An entry belongs to the organisation it describes (when on Palermo), else to the one that maintains it;
    that organisation's coordinators change it, and the deployment's governors change any."""
    if governs_deployment(acting):
        return True
    owner = linked_organisation_id or maintained_by_id
    return _own_organisation(acting) == owner


def sees_personal_data(role: str) -> bool:
    return bool(ROLE_CAPABILITIES.get(role, frozenset()) & PERSONAL_DATA_CAPABILITIES)


def personal_record_scope(acting: ActingUser) -> dict[str, Any] | None:
    """Filter for records about people that the acting user may read; None means none at all.

    A first responder sees only what they recorded themselves; case workers and decision
    makers see their organisation's records. Nobody sees another organisation's records
    here: sharing across organisations goes through consent-bound referral.
    """
    if acting.membership is None or acting.user is None:
        return None
    if can(acting, Capability.PERSON_VIEW_ORGANISATION):
        return {"organisation_id": acting.membership.organisation_id}
    if can(acting, Capability.PERSON_VIEW_OWN):
        return {"organisation_id": acting.membership.organisation_id, "created_by_id": acting.user.pk}
    return None


def role_needs_second_factor(role: str) -> bool:
    return role in SECOND_FACTOR_ROLES


def requires_second_factor(user: User) -> bool:
    """True when any of the user's active memberships has a role that needs TOTP."""
    return user.memberships.filter(is_active=True, role__in=list(SECOND_FACTOR_ROLES)).exists()
