"""Organisations and the memberships that give a user a role in one of them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    MUNICIPAL_SERVICE = "municipal_service", _("Municipal service")
    POLICE = "police", _("Police")
    LABOUR_INSPECTORATE = "labour_inspectorate", _("Labour inspectorate")
    PROSECUTION = "prosecution", _("Prosecution")
    HEALTH_SERVICE = "health_service", _("Health service")
    NGO = "ngo", _("Non-governmental organisation")
    WORKERS_ORGANISATION = "workers_organisation", _("Workers' organisation")
    EMPLOYERS_ORGANISATION = "employers_organisation", _("Employers' organisation")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    FIRST_RESPONDER = "first_responder", _("First responder")
    CASE_WORKER = "case_worker", _("Case worker")
    DECISION_MAKER = "decision_maker", _("Decision maker")
    COORDINATOR = "coordinator", _("Coordinator")
    ANALYST = "analyst", _("Analyst")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    # Governs what the whole deployment shares (the fallback tip route, directory entries of other
    # organisations). Granted only by the server operator on the command line, never by an org admin.
    DEPLOYMENT_COORDINATOR = "deployment_coordinator", _("Deployment coordinator")


_LABELS: dict[tuple[type[models.TextChoices], str | None], dict[str, str]] = {}


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The translated label of `value`, as `get_FOO_display()` gives it, from a table kept per language.

    Django's own method translates every label of the field on each call: eleven for an
    organisation's type, fifty times over for a page of the directory.
    """
    key = (choices, translation.get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {str(member.value): str(member.label) for member in choices}
    return labels.get(value, value)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=40, choices=OrganisationType.choices)
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter ISO 3166-1 code, e.g. AT."))],
        help_text=_("ISO 3166-1 alpha-2 code, e.g. AT"),
    )
    region = models.CharField(_("region"), max_length=200, blank=True)
    municipality = models.CharField(_("municipality"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_type_display(self) -> str:  # type: ignore[no-redef]  # replaces Django's, same result
        return choice_label(OrganisationType, self.type)


class Membership(models.Model):
    """A user's role in one organisation. A user acts for one membership at a time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.organisation.name} — {self.get_role_display()}"

    def get_role_display(self) -> str:  # type: ignore[no-redef]  # replaces Django's, same result
        return choice_label(Role, self.role)


class Invitation(models.Model):
    """An organisation admin's offer of a role to an e-mail address.

    No membership exists until the invitee answers: signed in as that address, or by choosing
    a password when the address has no account yet. Only the digest of the link's secret is kept.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"invitation {self.pk} to {self.organisation_id}"
