"""The actor directory: every organisation that takes part in the response, on Palermo or not.

Entries are shared across the deployment: knowing who offers what, where and when is what a
referral needs, and it holds no personal data. Each entry records the organisation that
maintains it; only that organisation's coordinators change it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorType(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    WORKERS = "workers", _("Workers' organisation")
    EMPLOYERS = "employers", _("Employers' organisation")
    NGO = "ngo", _("NGO or mass organisation")
    INTERNATIONAL = "international", _("International organisation")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    LOCAL = "local", _("Local")


class Stage(models.TextChoices):
    """Where along the migration path an actor works (not the stages of assistance)."""

    SOURCE = "source", _("Source")
    TRANSIT = "transit", _("Transit")
    DESTINATION = "destination", _("Destination")


STAGE_CODES = tuple(Stage.values)


# The response matrix's other two axes. They live here beside Stage, the third, because the good
# practices library is tagged with all three and the matrix shows those practices: both build on
# the directory, so neither has to import the other for its vocabulary.
class ResponseArea(models.TextChoices):
    PREVENTION = "prevention", _("Broad prevention")
    SAFE_MIGRATION = "safe_migration", _("Safe migration")
    MONITORING = "monitoring", _("Monitoring and enforcement")
    ASSISTANCE = "assistance", _("Victim assistance")


class MatrixLevel(models.TextChoices):
    POLICY = "policy", _("Policy and institutional level")
    OUTREACH = "outreach", _("Outreach and direct assistance level")


class DirectoryEntry(models.Model):
    name = models.CharField(_("name"), max_length=200)
    actor_type = models.CharField(_("type of actor"), max_length=20, choices=ActorType.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter ISO 3166-1 code, e.g. AT."))],
    )
    region = models.CharField(_("region"), max_length=200, blank=True)
    municipality = models.CharField(_("municipality"), max_length=200, blank=True)
    # Codes lists: stages from `Stage`, services from palermo.common.catalogue, languages ISO 639-1.
    stages = models.JSONField(_("stages"), default=list, blank=True)
    services = models.JSONField(_("services offered"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    description = models.TextField(_("what they do"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    always_open = models.BooleanField(_("open 24/7"), default=False)
    safe_contact = models.TextField(
        _("safe contact"), blank=True, help_text=_("How a professional reaches them safely: a number, an address.")
    )
    website = models.URLField(_("website"), blank=True)
    # The Palermo organisation this entry describes, when it uses Palermo: referrals look it up.
    linked_organisation = models.OneToOneField(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_entry",
        verbose_name=_("organisation on Palermo"),
    )
    maintained_by = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="maintained_directory_entries",
        verbose_name=_("maintained by"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["actor_type", "level"]), models.Index(fields=["country", "region"])]
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")

    def __str__(self) -> str:
        return self.name

    def place(self) -> str:
        return ", ".join(part for part in (self.municipality, self.region, self.country) if part)

    def stage_labels(self) -> list[str]:
        labels = dict(Stage.choices)
        return [str(labels.get(code, code)) for code in self.stages]

    def service_labels(self) -> list[str]:
        from palermo.common.catalogue import service_label

        return [service_label(code) for code in self.services]
