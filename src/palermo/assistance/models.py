"""The scheme of assistance for one case: its pathway, its assistance plan and its risk assessments.

Stages and services are named by the codes of the shared catalogue (catalogue.yaml). Anything a
worker writes in their own words about the person (notes, free activities, added risk factors) is
encrypted; dates, statuses and codes are not, so work lists and reminders never decrypt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palermo.common import catalogue
from palermo.encryption.fields import EncryptedJSONField, EncryptedTextField


class StageStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_NEEDED = "not_needed", _("Not needed")


class PathwayStage(models.Model):
    """One stage of the scheme of assistance on one case; a stage without a row is not started."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="pathway_stages")
    stage = models.CharField(_("stage"), max_length=32)
    status = models.CharField(_("status"), max_length=16, choices=StageStatus.choices, default=StageStatus.NOT_STARTED)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # Activities done: catalogue activities by index ("catalogue:3") and the worker's own, as text.
    activities = EncryptedJSONField(default=list)
    responsible_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An actor outside Palermo (an embassy, a hospital): an organisation's name, not a person's.
    responsible_name = models.CharField(_("responsible actor outside Palermo"), max_length=200, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "stage"], name="pathway_stage_unique")]
        indexes = [models.Index(fields=["organisation", "status"], name="pathway_stage_scope")]

    def __str__(self) -> str:
        return f"{self.stage} ({self.status})"


class RecoveryPeriod(models.Model):
    """A recovery and reflection period started by hand (without a decision recorded in Palermo).

    A positive reasonable-grounds decision on a screening of the case's person starts one by itself;
    that one is computed from the decision, not stored here.
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="recovery_period")
    started_on = models.DateField(_("start of the recovery and reflection period"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"recovery period from {self.started_on}"


class ReturnPreparation(models.Model):
    """What the return stage needs before it can start: the person's written, informed consent to return
    and the receiving provider's confirmation (scheme of assistance, "Return")."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="return_preparation")
    consent_given_on = models.DateField(_("consent to return given on"), null=True, blank=True)
    consent_language = models.CharField(_("language the person was informed in"), max_length=16, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmation_on = models.DateField(_("provider confirmed on"), null=True, blank=True)
    confirmation_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmation_provider_name = models.CharField(_("receiving provider outside Palermo"), max_length=200, blank=True)
    confirmation_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"return preparation for case {self.case_id}"

    @property
    def has_consent(self) -> bool:
        return self.consent_given_on is not None and self.consent_recorded_by_id is not None

    @property
    def has_confirmation(self) -> bool:
        return self.confirmation_on is not None and bool(
            self.confirmation_organisation_id or self.confirmation_provider_name
        )

    @property
    def confirmation_provider(self) -> str:
        if self.confirmation_organisation is not None:
            return self.confirmation_organisation.name
        return self.confirmation_provider_name


class PlanStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    REFUSED = "refused", _("Refused by the person")


OPEN_PLAN_STATUSES = (PlanStatus.PLANNED, PlanStatus.IN_PROGRESS)


class ServiceVariant(models.TextChoices):
    """The seed lists assistance for countries of origin and of destination separately."""

    DESTINATION = "destination", _("In the country of destination")
    ORIGIN = "origin", _("In the country of origin")


class PlanItem(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="plan_items")
    service = models.CharField(_("service"), max_length=32)
    variant = models.CharField(
        _("where"), max_length=16, choices=ServiceVariant.choices, default=ServiceVariant.DESTINATION
    )
    provider_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_name = models.CharField(_("provider outside Palermo"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.PLANNED)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("planned end"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["organisation", "status"], name="plan_item_scope")]

    def __str__(self) -> str:
        return f"{self.service} ({self.status})"

    @property
    def service_label(self) -> str:
        return catalogue.service_label(self.service)

    @property
    def provider(self) -> str:
        if self.provider_organisation is not None:
            return self.provider_organisation.name
        return self.provider_name

    @property
    def is_late(self) -> bool:
        return self.status in OPEN_PLAN_STATUSES and self.ends_on is not None and self.ends_on < timezone.localdate()


class RiskLevel(models.TextChoices):
    """Set by the worker: the software never computes a person's risk."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class FactorRating(models.TextChoices):
    NONE = "none", _("None known")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RiskFactorKind(models.TextChoices):
    TRAFFICKERS = "traffickers", _("Threats from traffickers")
    FAMILY = "family", _("Threats to the family")
    HEALTH = "health", _("Health")
    RE_TRAFFICKING = "re_trafficking", _("Re-trafficking")
    OTHER = "other", _("Other")


STANDARD_FACTORS = (
    RiskFactorKind.TRAFFICKERS,
    RiskFactorKind.FAMILY,
    RiskFactorKind.HEALTH,
    RiskFactorKind.RE_TRAFFICKING,
)


class ReviewEvent(models.TextChoices):
    """Events after which the seed asks for a specific assessment of risk."""

    COURT_HEARING = "court_hearing", _("Before a court hearing")
    RETURN = "return", _("Before return")
    INCIDENT = "incident", _("After an incident")


class RiskAssessment(models.Model):
    """A dated judgement of the dangers a person faces. Never edited: a review is a new assessment,
    so the history stays."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="risk_assessments")
    assessed_on = models.DateField(_("assessed on"))
    level = models.CharField(_("overall risk level"), max_length=8, choices=RiskLevel.choices)
    review_on = models.DateField(_("review by"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-assessed_on"], name="risk_assessment_latest")]

    def __str__(self) -> str:
        return f"{self.level} risk on {self.assessed_on}"


class RiskFactor(models.Model):
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.PROTECT, related_name="factors")
    kind = models.CharField(_("risk factor"), max_length=16, choices=RiskFactorKind.choices)
    # A factor the worker adds is named in their words, which may say something about the person.
    label = EncryptedTextField(_("name of the risk factor"), blank=True)
    rating = models.CharField(_("rating"), max_length=8, choices=FactorRating.choices)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.rating}"


class RiskReview(models.Model):
    """A review asked for because of an event; the next assessment of the case answers it."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="risk_reviews")
    event = models.CharField(_("event"), max_length=16, choices=ReviewEvent.choices)
    due_on = models.DateField(_("review due by"))
    note = EncryptedTextField(_("note"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        RiskAssessment, null=True, blank=True, on_delete=models.PROTECT, related_name="answered_reviews"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["organisation", "answered_by"], name="risk_review_open")]

    def __str__(self) -> str:
        return f"{self.event} review by {self.due_on}"

    @property
    def is_overdue(self) -> bool:
        return self.answered_by_id is None and self.due_on < timezone.localdate()
