"""Anonymous reporting: tips from the public, routed to the organisations that act on them.

Nothing here identifies the reporter: no address, no browser, no account. The reporter
holds a receipt code; only its keyed digest is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.encryption.fields import EncryptedJSONField, EncryptedTextField


class Exploitation(models.TextChoices):
    SEXUAL = "sexual", _("Sexual exploitation")
    LABOUR = "labour", _("Forced labour or labour exploitation")
    BEGGING_CRIMINALITY = "begging_criminality", _("Forced begging or forced crime")
    DOMESTIC = "domestic", _("Domestic servitude")
    OTHER = "other", _("Something else")
    UNKNOWN = "unknown", _("I don't know")


class TipRoute(models.Model):
    """Which organisation receives tips about which suspected form of exploitation ("any" for all others)."""

    ANY = "any"
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    exploitation = models.CharField(max_length=24)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["exploitation"], name="tip_route_one_per_form")]

    def __str__(self) -> str:
        return f"{self.exploitation} → {self.organisation_id}"


class TipStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    FORWARDED = "forwarded", _("Forwarded")
    CLOSED = "closed", _("Closed")


class TipPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Tip(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(max_length=8)
    exploitation = models.CharField(max_length=24, choices=Exploitation.choices, default=Exploitation.UNKNOWN)
    # {"description", "location", "when", "involved", "contact"}: all the reporter wrote, encrypted.
    content = EncryptedJSONField()
    receipt_digest = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=12, choices=TipStatus.choices, default=TipStatus.NEW)
    priority = models.CharField(max_length=8, choices=TipPriority.choices, default=TipPriority.NORMAL)
    # Only to the hour: an exact time could be matched against other records of who was where.
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="tip_inbox"),
            models.Index(fields=["organisation", "-received_at"], name="tip_inbox_newest"),
        ]

    def __str__(self) -> str:
        return f"tip {self.pk}"


class TipMessage(models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    from_reporter = models.BooleanField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"message {self.pk} on tip {self.tip_id}"
