"""Writes to cases, consents and referrals: permission first, then the change, its history and its audit entry."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from palermo.accounts.models import User
from palermo.attachments.documents import DocumentRejected, sanitise_pdf, too_large_message
from palermo.attachments.images import ImageRejected, sanitise_image
from palermo.audit.services import audit_record
from palermo.cases import vocabularies
from palermo.cases.models import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseEventKind,
    CaseNote,
    CaseScreening,
    CaseStatus,
    Consent,
    ConsentPurpose,
    ConsentStatus,
    InformedHow,
    LegalBasis,
    Referral,
    ReferralStatus,
)
from palermo.cases.sharing import SHAREABLE_FIELDS, shareable_label
from palermo.common.catalogue import SERVICE_CODES, service_label
from palermo.common.workdays import add_working_days
from palermo.identification.models import Screening
from palermo.identification.rules import is_child
from palermo.organisations.models import Organisation
from palermo.people.models import Person
from palermo.permissions import Actor, Capability, can, require


def _next_reference(organisation_id: int) -> str:
    year = timezone.localdate().year
    prefix = f"C-{year}-"
    # Inside the caller's transaction; the unique constraint turns a rare race into an error, not a duplicate.
    last = (
        Case.objects.filter(organisation_id=organisation_id, reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:05d}"


def _event(case: Case, actor: Actor, kind: str, **detail: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, by=actor.user, detail=detail)


def _own(actor: Actor, case: Case) -> None:
    # Callers pass cases from scoped selectors; this guards a service called with anything else.
    if actor.membership is None or case.organisation_id != actor.membership.organisation_id:
        raise PermissionDenied("case.other_organisation")


@transaction.atomic
def case_open(*, actor: Actor, person: Person, screening: Screening | None = None) -> Case:
    """Open a case for a person; `person` (and `screening`) must come from selectors scoped to the actor."""
    require(actor, Capability.CASE_OPEN)
    assert actor.membership is not None
    assert actor.user is not None
    if person.organisation_id != actor.membership.organisation_id:
        raise PermissionDenied("case.other_organisation")
    case = Case.objects.create(
        organisation=actor.membership.organisation,
        person=person,
        created_by=actor.user,
        reference=_next_reference(actor.membership.organisation_id),
    )
    if can(actor, Capability.CASE_MANAGE):
        case.assigned_to.add(actor.user)
    _event(case, actor, CaseEventKind.OPENED)
    audit_record(actor=actor, action="case.open", target=case)
    if screening is not None:
        case_link_screening(actor=actor, case=case, screening=screening)
    return case


@transaction.atomic
def case_assign(*, actor: Actor, case: Case, users: Iterable[User]) -> Case:
    """Set the case workers; each must be an active case worker of the case's organisation."""
    require(actor, Capability.CASE_MANAGE)
    _own(actor, case)
    from palermo.cases.selectors import case_workers_of

    chosen = list(users)
    allowed = set(case_workers_of(case.organisation_id).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in chosen):
        raise ValidationError({"assigned_to": [_("Only case workers of this organisation can be assigned.")]})
    case.assigned_to.set(chosen)
    _event(case, actor, CaseEventKind.ASSIGNED, users=[u.pk for u in chosen])
    audit_record(actor=actor, action="case.assign", target=case, detail={"users": [u.pk for u in chosen]})
    return case


def _check_codes(vocabulary: str, values: Sequence[str], field: str) -> list[str]:
    unknown = [v for v in values if v not in vocabularies.codes(vocabulary)]
    if unknown:
        raise ValidationError({field: [_("Unknown code: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    return list(dict.fromkeys(values))


@transaction.atomic
def case_update_exploitation(
    *,
    actor: Actor,
    case: Case,
    exploitation_types: Sequence[str],
    methods_of_control: Sequence[str],
    recruitment_country: str = "",
    recruitment_locality: str = "",
    exploitation_country: str = "",
    exploitation_locality: str = "",
) -> Case:
    require(actor, Capability.CASE_MANAGE)
    _own(actor, case)
    case.exploitation_types = _check_codes("type_of_exploitation", exploitation_types, "exploitation_types")
    case.methods_of_control = _check_codes("methods_of_control", methods_of_control, "methods_of_control")
    countries = {"recruitment_country": recruitment_country, "exploitation_country": exploitation_country}
    for field, value in countries.items():
        if value and (len(value.strip()) != 2 or not value.strip().isalpha()):
            raise ValidationError({field: [_("Use the two-letter country code (ISO 3166), e.g. RO.")]})
    case.recruitment_country = recruitment_country.strip().upper()
    case.exploitation_country = exploitation_country.strip().upper()
    case.recruitment_locality = recruitment_locality.strip()
    case.exploitation_locality = exploitation_locality.strip()
    case.save()
    _event(case, actor, CaseEventKind.EXPLOITATION)
    audit_record(actor=actor, action="case.update", target=case, detail={"fields": ["exploitation"]})
    return case


@transaction.atomic
def case_link_screening(*, actor: Actor, case: Case, screening: Screening) -> CaseScreening:
    """Link a screening to the case; both must come from selectors scoped to the actor."""
    require(actor, Capability.CASE_OPEN)
    assert actor.user is not None
    _own(actor, case)
    if screening.organisation_id != case.organisation_id:
        raise ValidationError({"screening": [_("The screening belongs to another organisation.")]})
    link, created = CaseScreening.objects.get_or_create(
        case=case, screening=screening, defaults={"linked_by": actor.user}
    )
    if created:
        _event(case, actor, CaseEventKind.SCREENING_LINKED, screening=screening.pk)
        audit_record(actor=actor, action="case.link_screening", target=case, detail={"screening": screening.pk})
    return link


@transaction.atomic
def case_note_add(*, actor: Actor, case: Case, text: str) -> CaseNote:
    require(actor, Capability.CASE_MANAGE)
    assert actor.user is not None
    _own(actor, case)
    # A browser sends each line end of a textarea as CR LF but counts it, for maxlength, as one character.
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"text": [_("Write the note first.")]})
    limit = int(settings.PALERMO_CASE_NOTE_MAX_CHARS)
    if len(text) > limit:
        too_long = _(
            "A note can have at most %(limit)s characters; this one has %(length)s. Split it into several notes."
        )
        raise ValidationError({"text": [too_long % {"limit": limit, "length": len(text)}]})
    note = CaseNote.objects.create(case=case, author=actor.user, text=text)
    audit_record(actor=actor, action="case.note", target=case, detail={"note": note.pk})
    return note


@transaction.atomic
def case_close(
    *, actor: Actor, case: Case, reason: str, note: str = "", follow_up_on: datetime.date | None = None
) -> Case:
    require(actor, Capability.CASE_MANAGE)
    _own(actor, case)
    problems: dict[str, list[str]] = {}
    if not case.is_open:
        problems["status"] = [_("The case is already closed.")]
    if reason not in vocabularies.codes("closure_reasons"):
        problems["reason"] = [_("Choose a reason for closing the case.")]
    if follow_up_on is not None and follow_up_on < timezone.localdate():
        problems["follow_up_on"] = [_("The follow-up date cannot be in the past.")]
    if problems:
        raise ValidationError(problems)
    case.status = CaseStatus.CLOSED
    case.closed_at = timezone.now()
    case.closure_reason, case.closure_note, case.follow_up_on = reason, note.strip(), follow_up_on
    case.save()
    _event(case, actor, CaseEventKind.CLOSED, reason=reason, follow_up_on=follow_up_on and follow_up_on.isoformat())
    audit_record(actor=actor, action="case.close", target=case, detail={"reason": reason})
    return case


@transaction.atomic
def case_reopen(*, actor: Actor, case: Case, reason: str) -> Case:
    """Reopen a closed case; the closure stays in the history with its reason."""
    require(actor, Capability.CASE_MANAGE)
    _own(actor, case)
    if case.is_open:
        raise ValidationError({"status": [_("The case is open already.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the case is reopened.")]})
    assert actor.user is not None
    previous = case.closure_reason
    case.status = CaseStatus.OPEN
    case.closed_at = None
    case.closure_reason, case.closure_note, case.follow_up_on = "", "", None
    case.save()
    # The reason is free text about the person's situation: it goes into an encrypted note, not the event.
    note = CaseNote.objects.create(case=case, author=actor.user, text=_("Reopened: %(reason)s") % {"reason": reason})
    _event(case, actor, CaseEventKind.REOPENED, previous_reason=previous, note=note.pk)
    audit_record(actor=actor, action="case.reopen", target=case)
    return case


# --- Consent -----------------------------------------------------------------------------------------


def _check_fields(fields: Sequence[str]) -> list[str]:
    unknown = [f for f in fields if f not in SHAREABLE_FIELDS]
    if unknown:
        raise ValidationError({"fields": [_("Unknown field: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    return list(dict.fromkeys(fields))


def _check_services(services: Sequence[str]) -> list[str]:
    unknown = [s for s in services if s not in SERVICE_CODES]
    if unknown:
        raise ValidationError({"services": [_("Unknown service: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    return list(dict.fromkeys(services))


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
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
    require(actor, Capability.CASE_MANAGE)
    assert actor.user is not None
    _own(actor, case)
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
        fields=_check_fields(fields),
        services=_check_services(services),
        status=status,
        informed_language=informed_language.strip(),
        interpreter=interpreter,
        informed_how=informed_how,
        guardian=guardian.strip(),
        best_interests_note=best_interests_note.strip(),
        recorded_by=actor.user,
    )
    _event(case, actor, CaseEventKind.CONSENT, consent=consent.pk, purpose=purpose, status=status)
    audit_record(
        actor=actor,
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
def consent_withdraw(*, actor: Actor, consent: Consent) -> Consent:
    """The person takes consent back: from now on nothing more crosses on its strength."""
    require(actor, Capability.CASE_MANAGE)
    _own(actor, consent.case)
    if consent.status != ConsentStatus.GIVEN:
        raise ValidationError({"status": [_("Only a consent that was given can be withdrawn.")]})
    consent.status = ConsentStatus.WITHDRAWN
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor.user
    consent.save(update_fields=["status", "withdrawn_at", "withdrawn_by"])
    _event(consent.case, actor, CaseEventKind.CONSENT_WITHDRAWN, consent=consent.pk, purpose=consent.purpose)
    audit_record(actor=actor, action="consent.withdraw", target=consent, detail={"case": consent.case_id})
    return consent


@transaction.atomic
def legal_basis_record(
    *,
    actor: Actor,
    case: Case,
    purpose: str,
    provision: str,
    recipient: Organisation | None = None,
    fields: Sequence[str] = (),
    note: str = "",
) -> LegalBasis:
    """A decision maker records that the law, not consent, allows this (e.g. a child protection duty)."""
    require(actor, Capability.DECISION_RECORD)
    assert actor.user is not None
    _own(actor, case)
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
        fields=_check_fields(fields),
        provision=provision.strip(),
        note=note.strip(),
        decided_by=actor.user,
    )
    _event(case, actor, CaseEventKind.LEGAL_BASIS, legal_basis=basis.pk, purpose=purpose)
    audit_record(
        actor=actor,
        action="legal_basis.record",
        target=basis,
        detail={"case": case.pk, "purpose": purpose, "recipient": basis.recipient_id, "fields": basis.fields},
    )
    return basis


# --- Referral ----------------------------------------------------------------------------------------


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
        missing = [f for f in wanted if f not in basis.fields]
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
    missing_fields = [f for f in wanted if f not in consent.fields]
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
    actor: Actor,
    case: Case,
    to_organisation: Organisation,
    services: Sequence[str],
    fields: Sequence[str] | None = None,
    note: str = "",
) -> Referral:
    """Refer a case to another organisation for named services; refused unless consent or law allows it.

    `fields` defaults to everything the consent (or legal basis) covers.
    """
    require(actor, Capability.CASE_MANAGE)
    assert actor.user is not None
    _own(actor, case)
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
    services = _check_services(services)
    if fields is not None:
        fields = _check_fields(fields)
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
        sent_by=actor.user,
        acknowledge_by=add_working_days(
            timezone.localdate(), settings.PALERMO_REFERRAL_ACK_WORKING_DAYS, to_organisation.country
        ),
    )
    _event(case, actor, CaseEventKind.REFERRAL_SENT, referral=referral.pk, to=to_organisation.pk)
    audit_record(
        actor=actor,
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


def _require_recipient(actor: Actor, referral: Referral) -> None:
    from palermo.cases.selectors import referral_access_holds

    require(actor, Capability.CASE_MANAGE)
    if actor.membership is None or actor.membership.organisation_id != referral.to_organisation_id:
        raise PermissionDenied("referral.not_recipient")
    if not referral_access_holds(referral):
        raise ValidationError({"status": [_("This referral can no longer be answered.")]})
    if referral.status != ReferralStatus.PENDING:
        raise ValidationError({"status": [_("This referral has been answered already.")]})


def _answer(actor: Actor, referral: Referral, status: str, kind: str, action: str) -> Referral:
    referral.status = status
    referral.answered_by = actor.user
    referral.answered_at = timezone.now()
    referral.save(update_fields=["status", "answered_by", "answered_at", "decline_reason"])
    # The history belongs to the sender's case; the entry names the answering organisation, not a person.
    _event(referral.case, actor, kind, referral=referral.pk, by_organisation=referral.to_organisation_id)
    audit_record(actor=actor, action=action, target=referral)
    return referral


@transaction.atomic
def referral_accept(*, actor: Actor, referral: Referral) -> Referral:
    referral = _locked(referral)
    _require_recipient(actor, referral)
    return _answer(actor, referral, ReferralStatus.ACCEPTED, CaseEventKind.REFERRAL_ACCEPTED, "referral.accept")


@transaction.atomic
def referral_decline(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    referral = _locked(referral)
    _require_recipient(actor, referral)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why you decline, so the sender can find another service.")]})
    referral.decline_reason = reason.strip()
    return _answer(actor, referral, ReferralStatus.DECLINED, CaseEventKind.REFERRAL_DECLINED, "referral.decline")


@transaction.atomic
def referral_revoke(*, actor: Actor, referral: Referral) -> Referral:
    """The sender takes back a referral nobody has answered yet."""
    require(actor, Capability.REFERRAL_REVOKE)
    if actor.membership is None or actor.membership.organisation_id != referral.organisation_id:
        raise PermissionDenied("referral.not_sender")
    referral = _locked(referral)
    if referral.status != ReferralStatus.PENDING:
        raise ValidationError({"status": [_("Only a referral still waiting for an answer can be revoked.")]})
    referral.status = ReferralStatus.REVOKED
    referral.revoked_by = actor.user
    referral.revoked_at = timezone.now()
    referral.save(update_fields=["status", "revoked_by", "revoked_at"])
    _event(referral.case, actor, CaseEventKind.REFERRAL_REVOKED, referral=referral.pk)
    audit_record(actor=actor, action="referral.revoke", target=referral)
    return referral


# --- Attachments -------------------------------------------------------------------------------------

ATTACHMENT_TITLE_MAX = 200


class AttachmentRejected(ValidationError):
    """A file refused for what it is (forged, damaged, active content, too large): `rejection` is the
    stable code for machines, the message names the file and says why, for a human."""

    def __init__(self, rejection: str, message: str) -> None:
        super().__init__({"file": [message]})
        self.rejection = rejection
        self.text = message


def attachment_max_bytes() -> int:
    return int(settings.PALERMO_CASE_ATTACHMENT_MAX_MB) * 2**20


def _attachment_clean(data: bytes, name: str, declared_type: str) -> tuple[bytes, str, int | None, int | None]:
    """Sanitise by what the bytes are, not by the name or the declared type; (content, type, width, height)."""
    max_bytes = attachment_max_bytes()
    looks_like_pdf = b"%PDF-" in data[:1024]
    said_pdf = name.lower().endswith(".pdf") or declared_type == "application/pdf"
    if looks_like_pdf or said_pdf:
        clean_pdf = sanitise_pdf(data, max_bytes=max_bytes)
        return clean_pdf.content, clean_pdf.content_type, None, None
    try:
        image = sanitise_image(data, max_bytes=max_bytes)
    except ImageRejected as rejected:
        if rejected.code == "not_an_image":
            raise ImageRejected(
                "unsupported_type", _("This file is not a PDF document or a JPEG, PNG or WebP image.")
            ) from None
        raise
    return image.content, image.content_type, image.width, image.height


@transaction.atomic
def case_attachment_add(
    *, actor: Actor, case: Case, upload: object, title: str = "", description: str = ""
) -> CaseAttachment:
    """Keep a file with the case: a JPEG, PNG or WebP image (re-encoded, no EXIF or GPS) or a PDF
    (parsed, refused if it can act by itself, rewritten without metadata), encrypted at rest.

    `upload` is bytes or an uploaded file; its name is used only in messages and as a default title.
    """
    require(actor, Capability.CASE_MANAGE)
    assert actor.user is not None
    _own(actor, case)
    name = str(getattr(upload, "name", "") or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    label = name or _("The file")
    limit = int(settings.PALERMO_CASE_ATTACHMENT_MAX_COUNT)
    # Counted under the case's row lock, so two uploads at once cannot both take the last place.
    Case.objects.select_for_update().filter(pk=case.pk).first()
    if CaseAttachment.objects.filter(case=case).count() >= limit:
        raise AttachmentRejected(
            "too_many",
            ngettext(
                "This case holds %(count)s file already, the most it can hold.",
                "This case holds %(count)s files already, the most it can hold.",
                limit,
            )
            % {"count": limit},
        )
    title = title.strip() or name
    if len(title) > ATTACHMENT_TITLE_MAX:
        raise ValidationError(
            {"title": [_("Keep the title under %(count)s characters.") % {"count": ATTACHMENT_TITLE_MAX}]}
        )
    if not title:
        raise ValidationError({"title": [_("Give the file a title.")]})
    try:
        size = getattr(upload, "size", None)
        if isinstance(size, int) and size > attachment_max_bytes():
            # The upload handler measured it without keeping it all: refuse before reading.
            raise DocumentRejected("too_large", too_large_message(attachment_max_bytes()))
        data = upload if isinstance(upload, bytes) else bytes(getattr(upload, "read", bytes)())
        content, content_type, width, height = _attachment_clean(
            data, name, str(getattr(upload, "content_type", "") or "")
        )
    except ImageRejected as rejected:  # DocumentRejected is one too
        raise AttachmentRejected(rejected.code, f"{label}: {rejected.message}") from None
    attachment = CaseAttachment.objects.create(  # type: ignore[misc]  # encrypted bytes, typed as text
        organisation=case.organisation,
        case=case,
        uploaded_by=actor.user,
        title=title,
        description=description.strip(),
        content=content,
        content_type=content_type,
        size=len(content),
        width=width,
        height=height,
    )
    _event(case, actor, CaseEventKind.ATTACHMENT_ADDED, attachment=attachment.pk)
    audit_record(
        actor=actor,
        action="case.attachment.add",
        target=attachment,
        detail={"case": case.pk, "content_type": content_type, "size": attachment.size},
    )
    return attachment


@transaction.atomic
def case_attachment_remove(*, actor: Actor, attachment: CaseAttachment) -> None:
    """Delete a file for good (e.g. uploaded to the wrong case); the history and audit keep that it existed."""
    require(actor, Capability.CASE_MANAGE)
    _own(actor, attachment.case)
    case, attachment_id = attachment.case, attachment.pk
    audit_record(actor=actor, action="case.attachment.remove", target=attachment, detail={"case": case.pk})
    attachment.delete()
    _event(case, actor, CaseEventKind.ATTACHMENT_REMOVED, attachment=attachment_id)
