"""Writes about users: accounts, memberships, sessions, second factor and API tokens."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.accounts.acting import SESSION_KEY as ACTING_MEMBERSHIP_KEY
from palermo.accounts.models import ApiToken, LoginSession, User, token_digest
from palermo.audit.services import audit_record
from palermo.hmac_keys import hmac_key
from palermo.organisations.models import Invitation, Membership, Organisation, Role
from palermo.permissions import OPERATOR_GRANTED_ROLES, ActingUser, Capability, Channel, can, is_operator

RECOVERY_CODE_COUNT = 10
TOKEN_PREFIX = "plm_"  # noqa: S105 - a marker that makes leaked tokens greppable, not a secret
TOKEN_MAX_DAYS = 365
INVITATION_DAYS = 7


def _require_admin_of(acting: ActingUser, organisation: Organisation) -> None:
    """Org admins manage their own organisation; the command line (a server operator) any."""
    if acting.channel == Channel.CLI and acting.membership is None:
        return
    if acting.membership is None or acting.membership.organisation_id != organisation.pk:
        raise PermissionDenied(Capability.MEMBERS_MANAGE.value)
    if not can(acting, Capability.MEMBERS_MANAGE):
        raise PermissionDenied(Capability.MEMBERS_MANAGE.value)


@transaction.atomic
def user_create(*, acting: ActingUser, email: str, full_name: str = "", password: str | None = None) -> User:
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    audit_record(acting=acting, action="user.create", target=user)
    return user


def user_set_password(*, user: User, password: str) -> None:
    from django.contrib.auth.password_validation import validate_password

    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])


@transaction.atomic
def membership_add(*, acting: ActingUser, user: User, organisation: Organisation, role: str) -> Membership:
    """Attach an account directly: the server operator's tool only (`palermo add-user`, the demo).

    Organisation admins invite instead; the invitee's answer makes the membership. Only the
    operator grants the roles that govern the whole deployment, and this is the operator's path.
    """
    if not is_operator(acting):
        raise PermissionDenied("membership.add")
    membership = _membership_attach(user=user, organisation=organisation, role=role)
    audit_record(acting=acting, action="membership.add", target=membership, organisation_id=organisation.pk)
    return membership


@transaction.atomic
def membership_deactivate(*, acting: ActingUser, membership: Membership) -> None:
    """Take a role away: its tokens stop working and the user's sessions acting for this
    organisation end now; sessions acting for their other organisations keep working."""
    _require_admin_of(acting, membership.organisation)
    membership.is_active, membership.deactivated_at = False, timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    ApiToken.objects.filter(membership=membership, revoked_at=None).update(revoked_at=timezone.now())
    login_sessions_end(user=membership.user, organisation=membership.organisation)
    audit_record(
        acting=acting, action="membership.deactivate", target=membership, organisation_id=membership.organisation_id
    )


@transaction.atomic
def user_deactivate(*, acting: ActingUser, user: User) -> None:
    if not (acting.channel == Channel.CLI and acting.membership is None):
        raise PermissionDenied("user.deactivate")
    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(membership__user=user, revoked_at=None).update(revoked_at=timezone.now())
    login_sessions_end(user=user)
    audit_record(acting=acting, action="user.deactivate", target=user)


def user_password_change(*, acting: ActingUser, user: User, password: str) -> None:
    user_set_password(user=user, password=password)
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    audit_record(acting=acting, action="user.password_change", target=user)


# --- Sessions --------------------------------------------------------------------------------------


def login_session_register(*, user: User, session: SessionBase) -> None:
    if session.session_key:
        LoginSession.objects.get_or_create(session_key=session.session_key, defaults={"user": user})


def login_sessions_end(*, user: User, organisation: Organisation | None = None) -> int:
    """End the user's sessions, whatever backend stores them: every one, or those acting for `organisation`.

    A session that has not chosen a membership yet counts as acting for it: better ended than left open.
    """
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = list(LoginSession.objects.filter(user=user))
    if organisation is not None:
        there = set(Membership.objects.filter(user=user, organisation=organisation).values_list("pk", flat=True))
        rows = [row for row in rows if store(session_key=row.session_key).get(ACTING_MEMBERSHIP_KEY) in there | {None}]
    for row in rows:
        store(session_key=row.session_key).delete()
    LoginSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


# --- Second factor ----------------------------------------------------------------------------------


def totp_device_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user (replacing any unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the authenticator with a first code; returns fresh recovery codes."""
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError({"code": _("This set-up has expired; start again.")})
    if not device.verify_token(code.strip().replace(" ", "")):
        raise ValidationError({"code": _("That code is not right. Check the time on your phone and try again.")})
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(acting=ActingUser(user=user, membership=None, channel=Channel.WEB), action="totp.confirm", target=user)
    return recovery_codes_generate(user=user)


def recovery_code_digest(code: str) -> str:
    """What django-otp stores and compares for a recovery code: a keyed digest, never the code.

    A stolen database without PALERMO_HMAC_KEY gives no usable code.
    """
    normalised = code.strip().lower().replace(" ", "")
    return hmac.new(hmac_key("recovery-code"), normalised.encode(), hashlib.sha256).hexdigest()[:16]


@transaction.atomic
def recovery_codes_generate(*, user: User) -> list[str]:
    """Replace the user's recovery codes; each works once. Shown once; only their digests are kept."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=recovery_code_digest(c)) for c in codes])
    return codes


def has_confirmed_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- API tokens --------------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, acting: ActingUser, membership: Membership, name: str, days: int = 90) -> tuple[ApiToken, str]:
    """A new token acting as `membership`; the clear token is returned once and never stored."""
    is_operator = acting.channel == Channel.CLI and acting.membership is None
    if not is_operator and (acting.user is None or acting.user.pk != membership.user_id):
        raise PermissionDenied("token.create")
    if not is_operator and not acting.second_factor:
        # A token outlives the session that makes it: never from a session a device has not verified.
        raise PermissionDenied("token.create.second_factor")
    if not membership.is_active:
        raise ValidationError({"membership": _("This membership is not active.")})
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValidationError({"days": _("A token lives between 1 and %(days)s days.") % {"days": TOKEN_MAX_DAYS}})
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name that says where it is used.")})
    secret = secrets.token_urlsafe(32)
    clear = f"{TOKEN_PREFIX}{secret}"
    token = ApiToken.objects.create(
        membership=membership,
        name=name[:100],
        prefix=clear[:12],
        digest=token_digest(clear),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    audit_record(acting=acting, action="token.create", target=token, organisation_id=membership.organisation_id)
    return token, clear


@transaction.atomic
def api_token_revoke(*, acting: ActingUser, token: ApiToken) -> None:
    """The token's owner, or the server operator (the command line), ends a token at once."""
    is_operator = acting.channel == Channel.CLI and acting.membership is None and acting.user is None
    if not is_operator and (acting.user is None or token.membership.user_id != acting.user.pk):
        raise PermissionDenied("token.revoke")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            acting=acting, action="token.revoke", target=token, organisation_id=token.membership.organisation_id
        )


# --- Invitations -------------------------------------------------------------------------------------


def _normalise_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def _membership_attach(*, user: User, organisation: Organisation, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if not created and not membership.is_active:
        membership.is_active, membership.deactivated_at = True, None
        membership.save(update_fields=["is_active", "deactivated_at"])
    return membership


@transaction.atomic
def invitation_create(
    *, acting: ActingUser, organisation: Organisation, email: str, role: str
) -> tuple[Invitation, str]:
    """Offer a role here to an address. Returns the invitation and its link's secret (shown once).

    Says nothing about whether the address has an account: nothing is looked up here.
    """
    _require_admin_of(acting, organisation)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    if role in OPERATOR_GRANTED_ROLES:
        # An organisation admin must not hand anyone, themselves included, power over every organisation.
        raise PermissionDenied(Capability.DEPLOYMENT_GOVERN.value)
    secret = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=_normalise_email(email),
        role=role,
        digest=token_digest(secret),
        invited_by=acting.user,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean(exclude=["invited_by", "membership"])
    invitation.save()
    audit_record(
        acting=acting,
        action="invitation.create",
        target=invitation,
        organisation_id=organisation.pk,
        detail={"role": role},
    )
    return invitation, secret


@transaction.atomic
def invitation_accept(*, user: User, invitation: Invitation) -> Membership:
    """The invitee, signed in as the invited address, takes the role."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        raise PermissionDenied("invitation.accept")
    if not user.is_active or user.email != invitation.email:
        raise PermissionDenied("invitation.accept")
    membership = _membership_attach(user=user, organisation=invitation.organisation, role=invitation.role)
    invitation.accepted_at, invitation.membership = timezone.now(), membership
    invitation.save(update_fields=["accepted_at", "membership"])
    audit_record(
        acting=ActingUser(user=user, membership=membership, channel=Channel.WEB),
        action="invitation.accept",
        target=invitation,
        organisation_id=invitation.organisation_id,
    )
    return membership


@transaction.atomic
def invitation_account_create(*, invitation: Invitation, full_name: str, password: str) -> None:
    """Whoever holds the link chooses a password: a new account for the invited address takes the role.

    When the address already has an account, nothing changes (its password is never set from a
    link) and the caller answers exactly as for a new one: the holder of the link learns nothing.
    """
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.password_validation import validate_password

    validate_password(password, User(email=invitation.email, full_name=full_name))
    if User.objects.filter(email=invitation.email).exists():
        # Hash all the same, so that the answer takes as long as for a new account.
        make_password(password)
        return
    acting = ActingUser(user=None, membership=None, channel=Channel.WEB)
    user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name.strip()[:200])
    audit_record(acting=acting, action="user.create", target=user, organisation_id=invitation.organisation_id)
    invitation_accept(user=user, invitation=invitation)


@transaction.atomic
def invitation_revoke(*, acting: ActingUser, invitation: Invitation) -> None:
    _require_admin_of(acting, invitation.organisation)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            acting=acting, action="invitation.revoke", target=invitation, organisation_id=invitation.organisation_id
        )
