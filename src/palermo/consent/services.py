"""Writes to consents and legal bases: permission first, then the record, the case's history and the audit entry."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.audit.services import audit_record
from palermo.cases.models import Case, CaseEventKind
from palermo.cases.services import case_event_add, case_require_own
from palermo.common.catalogue import SERVICE_CODES
from palermo.consent.models import Consent, ConsentPurpose, ConsentStatus, InformedHow, LegalBasis
from palermo.consent.shareable import SHAREABLE_FIELDS
from palermo.identification.rules import is_child
from palermo.organisations.models import Organisation
from palermo.permissions import ActingUser, Capability, require


def check_shareable_fields(fields: Sequence[str]) -> list[str]:
    unknown = [f for f in fields if f not in SHAREABLE_FIELDS]
    if unknown:
        raise ValidationError({"fields": [_("Unknown field: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    return list(dict.fromkeys(fields))


def check_services(services: Sequence[str]) -> list[str]:
    unknown = [s for s in services if s not in SERVICE_CODES]
    if unknown:
        raise ValidationError({"services": [_("Unknown service: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    return list(dict.fromkeys(services))


@transaction.atomic
def consent_record(
    *,
    acting: ActingUser,
    case: Case,
    purpose: str,
    status: str,
    informed_language: str = "",
    informed_how: str = "",
    interpreter: bool = False,
    recipient: Organisation | None = None,
    fields: Sequence[str] = (),
    services: Sequence[str] = (),
    guardian: str = "",
    best_interests_note: str = "",
) -> Consent:
    """Record the person's answer for one purpose (a later answer for the same purpose takes over)."""
    require(acting, Capability.CASE_MANAGE)
    assert acting.user is not None
    case_require_own(acting, case)
    problems: dict[str, list[str]] = {}
    if purpose not in ConsentPurpose.values:
        problems["purpose"] = [_("Choose what the consent is for.")]
    if status not in (ConsentStatus.GIVEN, ConsentStatus.REFUSED):
        problems["status"] = [_("Record whether the person gave or refused consent.")]
    # The page asks for both; an API client that leaves them out gets a consent flagged "not recorded".
    if informed_how and informed_how not in InformedHow.values:
        problems["informed_how"] = [_("Say whether the person was informed in writing or orally.")]
    if purpose == ConsentPurpose.REFERRAL and recipient is None:
        problems["organisation"] = [_("A consent to referral names the organisation the case goes to.")]
    if recipient is not None and recipient.pk == case.organisation_id:
        problems["organisation"] = [_("Name another organisation: this one holds the case already.")]
    person = case.person
    if is_child(born=person.date_of_birth, age=person.estimated_age, on=timezone.localdate()) and not guardian.strip():
        problems["guardian"] = [_("The person is a child: name the guardian or representative who decided.")]
    if problems:
        raise ValidationError(problems)
    consent = Consent.objects.create(
        organisation=case.organisation,
        case=case,
        purpose=purpose,
        recipient=recipient,
        fields=check_shareable_fields(fields),
        services=check_services(services),
        status=status,
        informed_language=informed_language.strip(),
        interpreter=interpreter,
        informed_how=informed_how,
        guardian=guardian.strip(),
        best_interests_note=best_interests_note.strip(),
        recorded_by=acting.user,
    )
    case_event_add(case, acting, CaseEventKind.CONSENT, consent=consent.pk, purpose=purpose, status=status)
    audit_record(
        acting=acting,
        action="consent.record",
        target=consent,
        detail={
            "case": case.pk,
            "purpose": purpose,
            "status": status,
            "recipient": consent.recipient_id,
            "fields": consent.fields,
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(*, acting: ActingUser, consent: Consent) -> Consent:
    """The person takes consent back: from now on nothing more crosses on its strength."""
    require(acting, Capability.CASE_MANAGE)
    case_require_own(acting, consent.case)
    if consent.status != ConsentStatus.GIVEN:
        raise ValidationError({"status": [_("Only a consent that was given can be withdrawn.")]})
    consent.status = ConsentStatus.WITHDRAWN
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = acting.user
    consent.save(update_fields=["status", "withdrawn_at", "withdrawn_by"])
    case_event_add(consent.case, acting, CaseEventKind.CONSENT_WITHDRAWN, consent=consent.pk, purpose=consent.purpose)
    audit_record(acting=acting, action="consent.withdraw", target=consent, detail={"case": consent.case_id})
    return consent


@transaction.atomic
def legal_basis_record(
    *,
    acting: ActingUser,
    case: Case,
    purpose: str,
    provision: str,
    recipient: Organisation | None = None,
    fields: Sequence[str] = (),
    note: str = "",
) -> LegalBasis:
    """A decision maker records that the law, not consent, allows this (e.g. a child protection duty)."""
    require(acting, Capability.DECISION_RECORD)
    assert acting.user is not None
    case_require_own(acting, case)
    problems: dict[str, list[str]] = {}
    if purpose not in ConsentPurpose.values:
        problems["purpose"] = [_("Choose what the legal basis is for.")]
    if not provision.strip():
        problems["provision"] = [_("Name the legal provision, e.g. the article of the child protection act.")]
    if purpose == ConsentPurpose.REFERRAL and recipient is None:
        problems["organisation"] = [_("Name the organisation the case may go to.")]
    if recipient is not None and recipient.pk == case.organisation_id:
        problems["organisation"] = [_("Name another organisation: this one holds the case already.")]
    if problems:
        raise ValidationError(problems)
    basis = LegalBasis.objects.create(
        organisation=case.organisation,
        case=case,
        purpose=purpose,
        recipient=recipient,
        fields=check_shareable_fields(fields),
        provision=provision.strip(),
        note=note.strip(),
        decided_by=acting.user,
    )
    case_event_add(case, acting, CaseEventKind.LEGAL_BASIS, legal_basis=basis.pk, purpose=purpose)
    audit_record(
        acting=acting,
        action="legal_basis.record",
        target=basis,
        detail={"case": case.pk, "purpose": purpose, "recipient": basis.recipient_id, "fields": basis.fields},
    )
    return basis
