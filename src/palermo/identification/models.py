"""Identification: the indicator catalogues as loaded into the database, and screenings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.encryption.fields import EncryptedJSONField, EncryptedTextField


class CatalogueVersion(models.Model):
    """One version of one catalogue, as it was shipped. Screenings will point at the version they used,
    so a later edit of the catalogue never changes what an old screening meant."""

    catalogue_id = models.SlugField(max_length=64)
    version = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)
    content = models.JSONField()
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["catalogue_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue_id", "version"], name="catalogue_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.catalogue_id} v{self.version}"


class Outcome(models.TextChoices):
    INDICATED = "indicated", _("Trafficking indicated")
    POSSIBLE = "possible", _("Trafficking possible")
    NOT_INDICATED = "not_indicated", _("Not indicated")
    # Too few questions answered to say anything (see rules.MIN_ANSWERED_SHARE): never "not indicated".
    INSUFFICIENT = "insufficient", _("Not enough information to assess")


class Screening(models.Model):
    """One structured look at a person's situation against a catalogue, by a first responder.

    It needs no name: a pseudonymous reference is enough, and a person can be attached later.
    Answers, notes, age and the reference are personal data and stored encrypted.
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    catalogue = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="screenings")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reference = EncryptedTextField(_("reference"), blank=True)
    # {"age": int | None, "answers": {id: yes|no|unknown}, "notes": {id: text}, "palermo": {...}}
    responses = EncryptedJSONField(default=dict)
    # The evaluation as returned by the rules, kept as it was when the screening was completed.
    result = EncryptedJSONField(null=True, blank=True)
    step = models.PositiveSmallIntegerField(default=1)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    submitted_for_decision_at = models.DateTimeField(_("referred"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "created_by"], name="screening_scope")]

    def __str__(self) -> str:
        return f"screening {self.pk}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class DecisionStage(models.TextChoices):
    REASONABLE_GROUNDS = "reasonable_grounds", _("Reasonable grounds")
    CONCLUSIVE = "conclusive", _("Conclusive decision on victim status")


class DecisionResult(models.TextChoices):
    POSITIVE = "positive", _("Positive: reasonable grounds to believe the person is a victim")
    NEGATIVE = "negative", _("Negative: no reasonable grounds")
    IDENTIFIED_VICTIM = "identified_victim", _("Identified victim of trafficking")
    NOT_A_VICTIM = "not_a_victim", _("Not a victim of trafficking")


RESULTS_BY_STAGE = {
    DecisionStage.REASONABLE_GROUNDS: (DecisionResult.POSITIVE, DecisionResult.NEGATIVE),
    DecisionStage.CONCLUSIVE: (DecisionResult.IDENTIFIED_VICTIM, DecisionResult.NOT_A_VICTIM),
}


class IdentificationDecision(models.Model):
    """A decision maker's decision on one referred screening. Never edited: a reconsideration is a new
    decision that supersedes the earlier one, so the whole history stays."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="decisions")
    stage = models.CharField(_("stage"), max_length=24, choices=DecisionStage.choices)
    result = models.CharField(_("decision"), max_length=24, choices=DecisionResult.choices)
    decided_on = models.DateField(_("decided on"))
    reasoning = EncryptedTextField(_("reasoning"))
    information = EncryptedTextField(_("other information it rests on"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.stage} {self.result} ({self.decided_on})"
