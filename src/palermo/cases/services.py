"""Writes to cases, their notes and files: permission first, then the change, its history and its audit entry."""

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
)
from palermo.identification.models import Screening
from palermo.people.models import Person
from palermo.permissions import ActingUser, Capability, can, require


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


def case_event_add(case: Case, acting: ActingUser, kind: str, **detail: Any) -> CaseEvent:
    """One step in the case's history (also for consents and referrals, written by their own apps)."""
    return CaseEvent.objects.create(case=case, kind=kind, by=acting.user, detail=detail)


def case_require_own(acting: ActingUser, case: Case) -> None:
    """Callers pass cases from scoped selectors; this guards a service called with anything else."""
    if acting.membership is None or case.organisation_id != acting.membership.organisation_id:
        raise PermissionDenied("case.other_organisation")


@transaction.atomic
def case_open(*, acting: ActingUser, person: Person, screening: Screening | None = None) -> Case:
    """Open a case for a person; `person` (and `screening`) must come from selectors scoped to the acting user."""
    require(acting, Capability.CASE_OPEN)
    assert acting.membership is not None
    assert acting.user is not None
    if person.organisation_id != acting.membership.organisation_id:
        raise PermissionDenied("case.other_organisation")
    case = Case.objects.create(
        organisation=acting.membership.organisation,
        person=person,
        created_by=acting.user,
        reference=_next_reference(acting.membership.organisation_id),
    )
    if can(acting, Capability.CASE_MANAGE):
        case.assigned_to.add(acting.user)
    case_event_add(case, acting, CaseEventKind.OPENED)
    audit_record(acting=acting, action="case.open", target=case)
    if screening is not None:
        case_link_screening(acting=acting, case=case, screening=screening)
    return case


@transaction.atomic
def case_assign(*, acting: ActingUser, case: Case, users: Iterable[User]) -> Case:
    """Set the case workers; each must be an active case worker of the case's organisation."""
    require(acting, Capability.CASE_MANAGE)
    case_require_own(acting, case)
    from palermo.cases.selectors import case_workers_of

    chosen = list(users)
    allowed = set(case_workers_of(case.organisation_id).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in chosen):
        raise ValidationError({"assigned_to": [_("Only case workers of this organisation can be assigned.")]})
    case.assigned_to.set(chosen)
    case_event_add(case, acting, CaseEventKind.ASSIGNED, users=[u.pk for u in chosen])
    audit_record(acting=acting, action="case.assign", target=case, detail={"users": [u.pk for u in chosen]})
    return case


def _check_codes(vocabulary: str, values: Sequence[str], field: str) -> list[str]:
    unknown = [v for v in values if v not in vocabularies.codes(vocabulary)]
    if unknown:
        raise ValidationError({field: [_("Unknown code: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    return list(dict.fromkeys(values))


@transaction.atomic
def case_update_exploitation(
    *,
    acting: ActingUser,
    case: Case,
    exploitation_types: Sequence[str],
    methods_of_control: Sequence[str],
    recruitment_country: str = "",
    recruitment_locality: str = "",
    exploitation_country: str = "",
    exploitation_locality: str = "",
) -> Case:
    require(acting, Capability.CASE_MANAGE)
    case_require_own(acting, case)
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
    case_event_add(case, acting, CaseEventKind.EXPLOITATION)
    audit_record(acting=acting, action="case.update", target=case, detail={"fields": ["exploitation"]})
    return case


@transaction.atomic
def case_link_screening(*, acting: ActingUser, case: Case, screening: Screening) -> CaseScreening:
    """Link a screening to the case; both must come from selectors scoped to the acting user."""
    require(acting, Capability.CASE_OPEN)
    assert acting.user is not None
    case_require_own(acting, case)
    if screening.organisation_id != case.organisation_id:
        raise ValidationError({"screening": [_("The screening belongs to another organisation.")]})
    link, created = CaseScreening.objects.get_or_create(
        case=case, screening=screening, defaults={"linked_by": acting.user}
    )
    if created:
        case_event_add(case, acting, CaseEventKind.SCREENING_LINKED, screening=screening.pk)
        audit_record(acting=acting, action="case.link_screening", target=case, detail={"screening": screening.pk})
    return link


@transaction.atomic
def case_note_add(*, acting: ActingUser, case: Case, text: str) -> CaseNote:
    require(acting, Capability.CASE_MANAGE)
    assert acting.user is not None
    case_require_own(acting, case)
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
    note = CaseNote.objects.create(case=case, author=acting.user, text=text)
    audit_record(acting=acting, action="case.note", target=case, detail={"note": note.pk})
    return note


@transaction.atomic
def case_close(
    *, acting: ActingUser, case: Case, reason: str, note: str = "", follow_up_on: datetime.date | None = None
) -> Case:
    require(acting, Capability.CASE_MANAGE)
    case_require_own(acting, case)
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
    case_event_add(
        case, acting, CaseEventKind.CLOSED, reason=reason, follow_up_on=follow_up_on and follow_up_on.isoformat()
    )
    audit_record(acting=acting, action="case.close", target=case, detail={"reason": reason})
    return case


@transaction.atomic
def case_reopen(*, acting: ActingUser, case: Case, reason: str) -> Case:
    """Reopen a closed case; the closure stays in the history with its reason."""
    require(acting, Capability.CASE_MANAGE)
    case_require_own(acting, case)
    if case.is_open:
        raise ValidationError({"status": [_("The case is open already.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the case is reopened.")]})
    assert acting.user is not None
    previous = case.closure_reason
    case.status = CaseStatus.OPEN
    case.closed_at = None
    case.closure_reason, case.closure_note, case.follow_up_on = "", "", None
    case.save()
    # The reason is free text about the person's situation: it goes into an encrypted note, not the event.
    note = CaseNote.objects.create(case=case, author=acting.user, text=_("Reopened: %(reason)s") % {"reason": reason})
    case_event_add(case, acting, CaseEventKind.REOPENED, previous_reason=previous, note=note.pk)
    audit_record(acting=acting, action="case.reopen", target=case)
    return case


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
    *, acting: ActingUser, case: Case, upload: object, title: str = "", description: str = ""
) -> CaseAttachment:
    """Keep a file with the case: a JPEG, PNG or WebP image (re-encoded, no EXIF or GPS) or a PDF
    (parsed, refused if it can act by itself, rewritten without metadata), encrypted at rest.

    `upload` is bytes or an uploaded file; its name is used only in messages and as a default title.
    """
    require(acting, Capability.CASE_MANAGE)
    assert acting.user is not None
    case_require_own(acting, case)
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
        uploaded_by=acting.user,
        title=title,
        description=description.strip(),
        content=content,
        content_type=content_type,
        size=len(content),
        width=width,
        height=height,
    )
    case_event_add(case, acting, CaseEventKind.ATTACHMENT_ADDED, attachment=attachment.pk)
    audit_record(
        acting=acting,
        action="case.attachment.add",
        target=attachment,
        detail={"case": case.pk, "content_type": content_type, "size": attachment.size},
    )
    return attachment


@transaction.atomic
def case_attachment_remove(*, acting: ActingUser, attachment: CaseAttachment) -> None:
    """Delete a file for good (e.g. uploaded to the wrong case); the history and audit keep that it existed."""
    require(acting, Capability.CASE_MANAGE)
    case_require_own(acting, attachment.case)
    case, attachment_id = attachment.case, attachment.pk
    audit_record(acting=acting, action="case.attachment.remove", target=attachment, detail={"case": case.pk})
    attachment.delete()
    case_event_add(case, acting, CaseEventKind.ATTACHMENT_REMOVED, attachment=attachment_id)
