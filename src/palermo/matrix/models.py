"""The response matrix: who is best placed to do what, and where.

A matrix has two levels (policy and institutional; outreach and direct assistance); each level
is a grid of response areas by stages. A cell holds actions. Every action is its own row, so
workshop groups filling the same cell at once never overwrite each other; an edit carries the
version it started from, and a stale edit is refused instead of silently winning.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.directory.models import MatrixLevel, ResponseArea, Stage


class Responsible(models.TextChoices):
    """The actor types the worksheet asks participants to put in brackets."""

    GOVERNMENT = "government", _("Government")
    WORKERS = "workers", _("Workers")
    EMPLOYERS = "employers", _("Employers")
    NGOS = "ngos", _("NGOs/Mass organisations")


AREAS = tuple(ResponseArea.values)
STAGES = tuple(Stage.values)
LEVELS = tuple(MatrixLevel.values)
RESPONSIBLE = tuple(Responsible.values)
MAX_ACTION_LENGTH = 2000


class ResponseMatrix(models.Model):
    # The coordination body or workshop organiser that owns the matrix.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="response_matrices"
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    participants = models.TextField(
        _("participants"), blank=True, help_text=_("The groups or bodies taking part, one per line.")
    )
    description = models.TextField(_("purpose"), blank=True)
    # Other organisations of the coordination body: their members see the matrix and add actions.
    partners = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="partner_matrices",
        verbose_name=_("partner organisations"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("response matrix")
        verbose_name_plural = _("response matrices")

    def __str__(self) -> str:
        return self.title

    def participant_list(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]


class MatrixAction(models.Model):
    matrix = models.ForeignKey(ResponseMatrix, on_delete=models.CASCADE, related_name="actions")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=10, choices=MatrixLevel.choices)
    area = models.CharField(_("response area"), max_length=20, choices=ResponseArea.choices)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    text = models.TextField(_("action"))
    responsible = models.JSONField(_("best placed"), default=list, blank=True)
    actors = models.ManyToManyField(
        "directory.DirectoryEntry", blank=True, related_name="matrix_actions", verbose_name=_("named organisations")
    )
    group = models.CharField(_("group"), max_length=100, blank=True, help_text=_("Which workshop group wrote it."))
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["matrix", "level", "area", "stage"])]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.text[:60]

    def responsible_labels(self) -> list[str]:
        labels = dict(Responsible.choices)
        return [str(labels.get(code, code)) for code in self.responsible]

    @property
    def has_nobody(self) -> bool:
        """Nobody responsible: no actor type and no named organisation."""
        return not self.responsible and not self.actors.all()
