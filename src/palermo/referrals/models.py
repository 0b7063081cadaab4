"""Referrals: a case referred by one organisation to another for named services, on the strength of a
consent or a legal basis (palermo.consent).

The table keeps the name it had when the model lived in `cases` (and `STORED_LABEL` the label its
ciphertexts and audit entries carry): the move changed no row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.encryption.fields import EncryptedTextField


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")


class Referral(models.Model):
    """A case referred by one organisation (`organisation`) to another for named services.

    The recipient sees only the fields the consent (or legal basis) covers, and only while it holds
    (the rule is palermo.referrals.access).
    """

    STORED_LABEL = "cases.referral"

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    to_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    services = models.JSONField(_("services"), default=list)
    fields = models.JSONField(_("information shared"), default=list)
    note = EncryptedTextField(_("note for the recipient"), blank=True)
    consent = models.ForeignKey(
        "consent.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    legal_basis = models.ForeignKey(
        "consent.LegalBasis", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    acknowledge_by = models.DateField(_("answer due"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        db_table = "cases_referral"
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["to_organisation", "status"], name="referral_inbox"),
            models.Index(fields=["organisation", "status"], name="referral_outbox"),
            # The lists show the newest first, a page at a time: read in index order, stop after a page.
            models.Index(fields=["to_organisation", "-sent_at", "-id"], name="referral_received_recent"),
            models.Index(fields=["organisation", "-sent_at", "-id"], name="referral_sent_recent"),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"
