"""Anonymous reporting: tips from the public, routed to the organisations that act on them.

Nothing here identifies the reporter: no address, no browser, no account. The reporter
holds a receipt code; only its keyed digest is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.attachments.fields import EncryptedBinaryField
from palermo.encryption.fields import EncryptedJSONField, EncryptedTextField


class Exploitation(models.TextChoices):
    SEXUAL = "sexual", _("Sexual exploitation")
    LABOUR = "labour", _("Forced labour or labour exploitation")
    BEGGING_CRIMINALITY = "begging_criminality", _("Forced begging or forced crime")
    DOMESTIC = "domestic", _("Domestic servitude")
    OTHER = "other", _("Something else")
    UNKNOWN = "unknown", _("I don't know")


class TipRoute(models.Model):
    """Which organisation receives tips about a suspected form of exploitation ("any" for all forms)
    in an area ("" for anywhere). The route for "any" form, anywhere, is the fallback.

    An area is a name a coordinator gives (a municipality or a region); the public form offers the
    areas that routes name, so a reporter picks from a list and never has to type where they live.
    """

    ANY = "any"
    ANYWHERE = ""
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    exploitation = models.CharField(max_length=24)
    area = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "exploitation"]
        constraints = [models.UniqueConstraint(fields=["exploitation", "area"], name="tip_route_one_per_form_area")]

    def __str__(self) -> str:
        return f"{self.exploitation} in {self.area or 'anywhere'} → {self.organisation_id}"

    @property
    def is_fallback(self) -> bool:
        return self.exploitation == self.ANY and self.area == self.ANYWHERE


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
    # The area the reporter chose from the routes' list (not personal: a municipality or region).
    area = models.CharField(max_length=120, blank=True, default="")
    # A keyed digest of the normalised place, to suggest links between tips without decrypting them.
    place_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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


class TipPhoto(models.Model):
    """A photo sent with a tip: re-encoded pixels only (no metadata), encrypted at rest."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="photos")
    content = EncryptedBinaryField()
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"photo {self.pk} of tip {self.tip_id}"

    @property
    def filename(self) -> str:
        extension = "png" if self.content_type == "image/png" else "jpg"
        return f"tip-{self.tip_id}-photo-{self.pk}.{extension}"


class TipForward(models.Model):
    """A tip handed to another organisation. The forwarding organisation keeps this record (when, to
    whom, its note) but no longer sees the tip itself: only the organisation that acts on it does."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="forwards")
    from_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField(blank=True)
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    forwarded_at = models.DateTimeField()

    class Meta:
        ordering = ["-forwarded_at", "-id"]
        indexes = [models.Index(fields=["from_organisation", "-forwarded_at"], name="tip_forward_sent")]

    def __str__(self) -> str:
        return f"tip {self.tip_id} forwarded to {self.to_organisation_id}"


class TipLink(models.Model):
    """Two tips of one organisation that are about the same place or matter (stored lower id first)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tip", "other"], name="tip_link_once"),
            models.CheckConstraint(condition=models.Q(tip__lt=models.F("other")), name="tip_link_ordered"),
        ]

    def __str__(self) -> str:
        return f"tip {self.tip_id} ↔ tip {self.other_id}"


class InspectionRequestStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    SENT = "sent", _("Sent to the inspectorate")
    DONE = "done", _("Inspection done")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InspectionRequest(models.Model):
    """A request, recorded by the organisation that received a tip, that another body (a labour
    inspectorate, the police) inspect a place. Place and scope may point at people: encrypted."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    tip = models.ForeignKey(Tip, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    place = EncryptedTextField()
    scope = EncryptedTextField()
    status = models.CharField(
        max_length=12, choices=InspectionRequestStatus.choices, default=InspectionRequestStatus.RECORDED
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"inspection request {self.pk}"


class TipConversion(models.Model):
    """What a tip was turned into (a screening, an inspection request; later a case), by kind and id."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="conversions")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24)
    object_id = models.PositiveBigIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"tip {self.tip_id} → {self.kind} {self.object_id}"
