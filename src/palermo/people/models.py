"""People whose situation an organisation records: the most sensitive data Palermo holds.

Every personal field is encrypted; nothing is mandatory but the pseudonymous `reference`,
because people may refuse to give their name and still need help.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.encryption.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown or not said")


class Person(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Pseudonymous and generated (P-2026-00042): safe to show, log and say on the phone.
    reference = models.CharField(_("reference"), max_length=32, editable=False, default="")
    given_names = EncryptedTextField(_("given names"), blank=True)
    family_name = EncryptedTextField(_("family name"), blank=True)
    aliases = EncryptedJSONField(_("other names and aliases"), default=list, blank=True)
    name_original_script = EncryptedTextField(_("name in its original script"), blank=True)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    estimated_age = EncryptedJSONField(_("estimated age"), null=True, blank=True)
    sex = EncryptedTextField(_("sex"), blank=True)
    gender_identity = EncryptedTextField(_("gender, as the person describes it"), blank=True)
    citizenships = EncryptedJSONField(_("citizenships"), default=list, blank=True)
    languages = EncryptedJSONField(_("languages"), default=list, blank=True)
    interpreter_needed = EncryptedJSONField(_("interpreter needed"), null=True, blank=True)
    safe_contact = EncryptedTextField(_("safe way to contact"), blank=True)
    residence_status = EncryptedTextField(_("residence status"), blank=True)
    dependants = EncryptedTextField(_("dependants"), blank=True)
    # Keyed digest of the normalised full name: exact lookup without storing the name in clear.
    name_index = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["organisation", "created_by"], name="person_scope")]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="person_reference_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def name(self) -> str:
        """The name the person gave (given names, family name), or "" when they gave none."""
        return " ".join(part for part in (self.given_names.strip(), self.family_name.strip()) if part)

    @property
    def display_name(self) -> str:
        """How to show this person anywhere: their name, or their reference when they gave none."""
        return self.name or self.name_original_script or self.reference

    @property
    def sex_label(self) -> str:
        return str(dict(Sex.choices).get(self.sex, "")) if self.sex else ""


class TokenKind(models.IntegerChoices):
    """What a search token was derived from; the kind weighs the match (see search.py)."""

    NAME = 1, "name"
    PHONETIC = 2, "phonetic"
    TRIGRAM = 3, "trigram"
    DATE_OF_BIRTH = 4, "date of birth"
    CITIZENSHIP = 5, "citizenship"
    NYSIIS = 6, "nysiis"
    SKELETON = 7, "consonant skeleton"


class PersonSearchToken(models.Model):
    """One keyed, truncated digest of a derived form of a person's name, birth date or citizenship.

    The table holds no name and no reversible form of one: see palermo.people.search.
    """

    organisation_id = models.BigIntegerField()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.PositiveSmallIntegerField(choices=TokenKind.choices)
    token = models.BigIntegerField()

    class Meta:
        indexes = [
            # The search reads (organisation, token) and needs only person and kind: with them in the
            # index too, the score is computed from the index alone (on SQLite and PostgreSQL).
            models.Index(fields=["organisation_id", "token", "person", "kind"], name="person_token_search"),
            models.Index(fields=["person"], name="person_token_person"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} token of person {self.person_id}"
