"""Consent and legal basis: what allows a case's information to be used for a purpose, or to go to another
organisation. Both share one shape (`SharingBasis`): purpose, recipient, the shareable fields they cover.

The tables keep the names they had when these models lived in `cases` (and `STORED_LABEL` the label
their ciphertexts and audit entries carry): the move changed no row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.encryption.fields import EncryptedTextField


class ConsentPurpose(models.TextChoices):
    ASSISTANCE = "assistance", _("Assistance by our organisation")
    REFERRAL = "referral", _("Referral to another organisation")
    LAW_ENFORCEMENT = "law_enforcement", _("Sharing with law enforcement")
    STATISTICS = "statistics", _("Use in anonymised statistics")


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InformedHow(models.TextChoices):
    WRITTEN = "written", _("In writing")
    ORAL = "oral", _("Orally")


class SharingBasis(models.Model):
    """What a consent and a legal basis both say: for this case, this purpose, (this recipient,) these fields."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=24, choices=ConsentPurpose.choices)
    # For referral (and law enforcement): the organisation the data may go to.
    recipient = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    fields = models.JSONField(_("information shared"), default=list, blank=True)  # codes of consent.shareable
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-recorded_at", "-id"]

    def fields_missing(self, codes: list[str]) -> list[str]:
        """Of the shareable field `codes`, those this consent or legal basis does not cover."""
        return [code for code in codes if code not in self.fields]


class Consent(SharingBasis):
    """The person's answer for one purpose. A new answer is a new record; withdrawal marks this one."""

    STORED_LABEL = "cases.consent"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consents")
    services = models.JSONField(_("services"), default=list, blank=True)  # assistance catalogue codes
    status = models.CharField(_("status"), max_length=16, choices=ConsentStatus.choices)
    informed_language = models.CharField(_("language the person was informed in"), max_length=16, blank=True)
    interpreter = models.BooleanField(_("through an interpreter"), default=False)
    # Blank when the API caller did not say: the case page then flags the consent as "how informed: not recorded".
    informed_how = models.CharField(
        _("how the person was informed"), max_length=16, choices=InformedHow.choices, blank=True
    )
    # For a child: who consented on their behalf, and why this serves the child.
    guardian = EncryptedTextField(_("guardian or representative"), blank=True)
    best_interests_note = EncryptedTextField(_("best-interests note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(SharingBasis.Meta):
        db_table = "cases_consent"
        indexes = [models.Index(fields=["case", "purpose"], name="consent_case_purpose")]

    def __str__(self) -> str:
        return f"consent {self.pk} {self.purpose} {self.status}"


class LegalBasis(SharingBasis):
    """Where the law overrides consent (e.g. a child protection duty): a decision maker records why."""

    STORED_LABEL = "cases.legalbasis"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="legal_bases")
    provision = models.CharField(_("legal provision"), max_length=300)
    note = EncryptedTextField(_("note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(SharingBasis.Meta):
        db_table = "cases_legalbasis"

    def __str__(self) -> str:
        return f"legal basis {self.pk} {self.purpose}"
