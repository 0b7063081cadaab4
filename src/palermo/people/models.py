"""People whose situation an organisation records: the most sensitive data Palermo holds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.encryption.fields import EncryptedDateField, EncryptedTextField


class Person(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_names = EncryptedTextField(_("given names"))
    family_name = EncryptedTextField(_("family name"), blank=True)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    # Keyed digest of the normalised full name: exact lookup without storing the name in clear.
    name_index = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["organisation", "created_by"], name="person_scope")]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    @property
    def full_name(self) -> str:
        return str(self)
