"""Cases: one person's path through assistance, owned by one organisation.

Around a case: its history (CaseEvent), append-only notes, the screenings linked to it and its files.
Consents and legal bases (palermo.consent) and referrals (palermo.referrals) point to a case from their
own apps. Everything said about the person is encrypted; codes, dates and ids are not.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.attachments.fields import EncryptedBinaryField
from palermo.encryption.fields import EncryptedJSONField, EncryptedTextField


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Case(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    # Who opened it: a first responder sees only the cases they opened (same scope as people).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Pseudonymous and unique per organisation, e.g. C-2026-00042: safe to print, say on the phone, or log.
    reference = models.CharField(_("reference"), max_length=32, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    assigned_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_cases", verbose_name=_("case workers")
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # HTCDS codes (vocabularies.yaml). Encrypted: the form of exploitation says a lot about a person.
    exploitation_types = EncryptedJSONField(_("forms of exploitation"), default=list, blank=True)
    methods_of_control = EncryptedJSONField(_("methods of control"), default=list, blank=True)
    recruitment_country = EncryptedTextField(_("country of recruitment"), blank=True)
    recruitment_locality = EncryptedTextField(_("place of recruitment"), blank=True)
    exploitation_country = EncryptedTextField(_("country of exploitation"), blank=True)
    exploitation_locality = EncryptedTextField(_("place of exploitation"), blank=True)
    # Closure: a code from closure_reasons (countable), a note (encrypted), and when to check in again.
    closure_reason = models.CharField(_("reason for closure"), max_length=32, blank=True)
    closure_note = EncryptedTextField(_("closure note"), blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="case_reference_unique"),
        ]
        indexes = [models.Index(fields=["organisation", "created_by"], name="case_scope")]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk changes are refused like `save()` on an existing row. Key rotation re-seals the ciphertext of
    the same plaintext with its own SQL (palermo.encryption.rotation), not through the ORM."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise ValueError(f"{self.model._meta.label} is append-only")

    def delete(self) -> NoReturn:
        raise ValueError(f"{self.model._meta.label} is append-only")


class AppendOnly(models.Model):
    """Rows that are written once and never changed or removed (history, notes)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError(f"{self._meta.label} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError(f"{self._meta.label} is append-only")


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    CLOSED = "closed", _("Case closed")
    REOPENED = "reopened", _("Case reopened")
    ASSIGNED = "assigned", _("Case workers changed")
    EXPLOITATION = "exploitation", _("Exploitation details changed")
    SCREENING_LINKED = "screening_linked", _("Screening linked")
    CONSENT = "consent", _("Consent recorded")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    LEGAL_BASIS = "legal_basis", _("Legal basis recorded")
    REFERRAL_SENT = "referral_sent", _("Referral sent")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
    REFERRAL_DECLINED = "referral_declined", _("Referral declined")
    REFERRAL_REVOKED = "referral_revoked", _("Referral revoked")
    ATTACHMENT_ADDED = "attachment_added", _("File added")
    ATTACHMENT_REMOVED = "attachment_removed", _("File removed")


class CaseEvent(AppendOnly):
    """One step in a case's history, shown on the case page. `detail` holds codes and ids only."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=24, choices=CaseEventKind.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class CaseNote(AppendOnly):
    """A case worker's note: append-only, encrypted, and never shared by referral."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class CaseScreening(models.Model):
    """An explicit link from a case to a screening (screenings of the case's person count without one)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="screening_links")
    screening = models.ForeignKey("identification.Screening", on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "screening"], name="case_screening_unique")]

    def __str__(self) -> str:
        return f"case {self.case_id} screening {self.screening_id}"


class CaseAttachment(models.Model):
    """A file kept with a case: a photo (re-encoded, no metadata) or a PDF (rewritten, no metadata),
    encrypted at rest. Never shared by referral: the shareable fields (palermo.consent.shareable) have none for it."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # A title and description say what the file shows about the person: encrypted like everything else.
    title = EncryptedTextField(_("title"))
    description = EncryptedTextField(_("description"), blank=True)
    content = EncryptedBinaryField()
    content_type = models.CharField(_("type"), max_length=32)
    size = models.PositiveIntegerField(_("size"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"attachment {self.pk} of case {self.case_id}"

    @property
    def extension(self) -> str:
        return {"image/png": "png", "image/jpeg": "jpg", "application/pdf": "pdf"}.get(self.content_type, "bin")

    @property
    def filename(self) -> str:
        # Ids only: the title may name the person, and file names end up in browser histories and logs.
        return f"case-{self.case_id}-attachment-{self.pk}.{self.extension}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
