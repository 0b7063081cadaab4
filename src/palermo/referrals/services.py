"""Writes to referrals: sending (only if a consent or legal basis allows it), answering and revoking."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.audit.services import audit_record
from palermo.cases.models import Case, CaseEventKind
from palermo.cases.services import case_event_add, case_require_own
from palermo.common.catalogue import service_label
from palermo.common.workdays import add_working_days
from palermo.consent.models import Consent, ConsentPurpose, ConsentStatus, LegalBasis
from palermo.consent.services import check_services, check_shareable_fields
from palermo.consent.shareable import shareable_label
from palermo.organisations.models import Organisation
from palermo.permissions import ActingUser, Capability, require
from palermo.referrals.access import referral_access_holds
from palermo.referrals.models import Referral, ReferralStatus


class ConsentRuleError(ValidationError):
    """A referral that the consent on record does not allow; `rule` names which rule, for the API."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__({"consent": [message]})
        self.rule = rule
        self.text = message


def referral_basis(
    *, case: Case, to_organisation: Organisation, services: Sequence[str], fields: Sequence[str] | None
) -> tuple[Consent | None, LegalBasis | None, list[str]]:
    """What allows referring `case` to `to_organisation` for `services` with `fields`, or exactly what is missing.

    A legal basis for the recipient stands in for consent. Otherwise the person's latest answer on
    referral to that organisation decides: it must be given, and cover every service and field asked for.
    """
    name = to_organisation.name
    basis = (
        case.legal_bases.filter(purpose=ConsentPurpose.REFERRAL, recipient=to_organisation)
        .order_by("-recorded_at", "-id")
        .first()
    )
    if basis is not None:
        wanted = list(basis.fields) if fields is None else list(fields)
        missing = basis.fields_missing(wanted)
        if missing:
            raise ConsentRuleError(
                "legal_basis_field_not_covered",
                _("The legal basis for %(org)s does not cover: %(fields)s.")
                % {"org": name, "fields": ", ".join(shareable_label(f) for f in missing)},
            )
        return None, basis, wanted
    consents = list(case.consents.all())
    for_recipient = [
        c for c in consents if c.purpose == ConsentPurpose.REFERRAL and c.recipient_id == to_organisation.pk
    ]
    if not for_recipient:
        if any(c.purpose == ConsentPurpose.REFERRAL for c in consents):
            raise ConsentRuleError(
                "consent_other_organisation",
                _("The consent to referral is for another organisation, not %(org)s.") % {"org": name},
            )
        if consents:
            raise ConsentRuleError(
                "consent_other_purpose",
                _("The consent on record is for another purpose, not referral to %(org)s.") % {"org": name},
            )
        raise ConsentRuleError(
            "consent_missing", _("There is no consent to refer this case to %(org)s.") % {"org": name}
        )
    consent = max(for_recipient, key=lambda c: (c.recorded_at, c.pk))
    if consent.status == ConsentStatus.WITHDRAWN:
        raise ConsentRuleError(
            "consent_withdrawn", _("The consent to referral to %(org)s was withdrawn.") % {"org": name}
        )
    if consent.status == ConsentStatus.REFUSED:
        raise ConsentRuleError("consent_refused", _("The person refused referral to %(org)s.") % {"org": name})
    missing_services = [s for s in services if s not in consent.services]
    if missing_services:
        raise ConsentRuleError(
            "consent_service_not_covered",
            _("The consent to referral to %(org)s does not cover the service: %(services)s.")
            % {"org": name, "services": ", ".join(service_label(s) for s in missing_services)},
        )
    wanted = list(consent.fields) if fields is None else list(fields)
    missing_fields = consent.fields_missing(wanted)
    if missing_fields:
        raise ConsentRuleError(
            "consent_field_not_covered",
            _("The consent to referral to %(org)s does not cover: %(fields)s.")
            % {"org": name, "fields": ", ".join(shareable_label(f) for f in missing_fields)},
        )
    return consent, None, wanted


@transaction.atomic
def referral_send(
    *,
    acting: ActingUser,
    case: Case,
    to_organisation: Organisation,
    services: Sequence[str],
    fields: Sequence[str] | None = None,
    note: str = "",
) -> Referral:
    """Refer a case to another organisation for named services; refused unless consent or law allows it.

    `fields` defaults to everything the consent (or legal basis) covers.
    """
    require(acting, Capability.CASE_MANAGE)
    assert acting.user is not None
    case_require_own(acting, case)
    problems: dict[str, list[str]] = {}
    if not case.is_open:
        problems["case"] = [_("Reopen the case before referring it.")]
    if to_organisation.pk == case.organisation_id:
        problems["to_organisation"] = [_("Choose another organisation than your own.")]
    elif not to_organisation.is_active:
        problems["to_organisation"] = [_("That organisation no longer takes referrals.")]
    if not services:
        problems["services"] = [_("Choose at least one service.")]
    if problems:
        raise ValidationError(problems)
    services = check_services(services)
    if fields is not None:
        fields = check_shareable_fields(fields)
    consent, basis, shared = referral_basis(
        case=case, to_organisation=to_organisation, services=services, fields=fields
    )
    referral = Referral.objects.create(
        organisation=case.organisation,
        case=case,
        to_organisation=to_organisation,
        services=services,
        fields=shared,
        note=note.strip(),
        consent=consent,
        legal_basis=basis,
        sent_by=acting.user,
        acknowledge_by=add_working_days(
            timezone.localdate(), settings.PALERMO_REFERRAL_ACK_WORKING_DAYS, to_organisation.country
        ),
    )
    case_event_add(case, acting, CaseEventKind.REFERRAL_SENT, referral=referral.pk, to=to_organisation.pk)
    audit_record(
        acting=acting,
        action="referral.send",
        target=referral,
        detail={
            "case": case.pk,
            "to": to_organisation.pk,
            "services": services,
            "fields": shared,
            "consent": referral.consent_id,
            "legal_basis": referral.legal_basis_id,
        },
    )
    return referral


def _locked(referral: Referral) -> Referral:
    """The referral as the database holds it now, locked until the transaction ends.

    A status change decides on this row, never on the copy a page loaded earlier: two people
    answering at once must not both see "pending".
    """
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _require_recipient(acting: ActingUser, referral: Referral) -> None:
    require(acting, Capability.CASE_MANAGE)
    if acting.membership is None or acting.membership.organisation_id != referral.to_organisation_id:
        raise PermissionDenied("referral.not_recipient")
    if not referral_access_holds(referral):
        raise ValidationError({"status": [_("This referral can no longer be answered.")]})
    if referral.status != ReferralStatus.PENDING:
        raise ValidationError({"status": [_("This referral has been answered already.")]})


def _answer(acting: ActingUser, referral: Referral, status: str, kind: str, action: str) -> Referral:
    referral.status = status
    referral.answered_by = acting.user
    referral.answered_at = timezone.now()
    referral.save(update_fields=["status", "answered_by", "answered_at", "decline_reason"])
    # The history belongs to the sender's case; the entry names the answering organisation, not a person.
    case_event_add(referral.case, acting, kind, referral=referral.pk, by_organisation=referral.to_organisation_id)
    audit_record(acting=acting, action=action, target=referral)
    return referral


@transaction.atomic
def referral_accept(*, acting: ActingUser, referral: Referral) -> Referral:
    referral = _locked(referral)
    _require_recipient(acting, referral)
    return _answer(acting, referral, ReferralStatus.ACCEPTED, CaseEventKind.REFERRAL_ACCEPTED, "referral.accept")


@transaction.atomic
def referral_decline(*, acting: ActingUser, referral: Referral, reason: str) -> Referral:
    referral = _locked(referral)
    _require_recipient(acting, referral)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why you decline, so the sender can find another service.")]})
    referral.decline_reason = reason.strip()
    return _answer(acting, referral, ReferralStatus.DECLINED, CaseEventKind.REFERRAL_DECLINED, "referral.decline")


@transaction.atomic
def referral_revoke(*, acting: ActingUser, referral: Referral) -> Referral:
    """The sender takes back a referral nobody has answered yet."""
    require(acting, Capability.REFERRAL_REVOKE)
    if acting.membership is None or acting.membership.organisation_id != referral.organisation_id:
        raise PermissionDenied("referral.not_sender")
    referral = _locked(referral)
    if referral.status != ReferralStatus.PENDING:
        raise ValidationError({"status": [_("Only a referral still waiting for an answer can be revoked.")]})
    referral.status = ReferralStatus.REVOKED
    referral.revoked_by = acting.user
    referral.revoked_at = timezone.now()
    referral.save(update_fields=["status", "revoked_by", "revoked_at"])
    case_event_add(referral.case, acting, CaseEventKind.REFERRAL_REVOKED, referral=referral.pk)
    audit_record(acting=acting, action="referral.revoke", target=referral)
    return referral
