"""The audit trail: append-only, hash-chained, one chain per organisation.

An entry records who did what to which object, when and through which channel,
never the personal values themselves.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


# What admins read in the trail; the code stays in the entry (and the CSV) for scripts.
ACTION_LABELS = {
    "login": _("Signed in"),
    "logout": _("Signed out"),
    "person.create": _("Recorded a person"),
    "person.view": _("Opened a person's record"),
    "person.list": _("Listed people"),
    "person.update": _("Changed a person's record"),
    "person.search": _("Searched for people"),
    "person.duplicates": _("Was shown possible duplicates of a person"),
    "person.reindex": _("Rebuilt the people search index"),
    "case.open": _("Opened a case"),
    "case.view": _("Opened a case record"),
    "membership.add": _("Gave a role"),
    "membership.deactivate": _("Took a role away"),
    "user.create": _("Created an account"),
    "user.deactivate": _("Deactivated an account"),
    "user.password_change": _("Changed their password"),
    "organisation.create": _("Registered an organisation"),
    "token.create": _("Created an API token"),
    "token.revoke": _("Revoked an API token"),
    "totp.confirm": _("Paired an authenticator app"),
    "recovery_codes.generate": _("Made new recovery codes"),
    "audit.export": _("Exported the audit trail"),
    "encryption.rotate": _("Re-encrypted records with a new key"),
    "bench.seed": _("Created benchmark data"),
    "screening.start": _("Started a screening"),
    "screening.answer": _("Answered screening questions"),
    "screening.complete": _("Completed a screening"),
    "screening.view": _("Opened a screening"),
    "screening.list": _("Listed screenings"),
    "screening.refer": _("Referred a screening for identification"),
    "screening.attach": _("Attached a screening to a person"),
    "decision.record": _("Recorded an identification decision"),
    "tip.view": _("Opened a tip"),
    "tip.reply": _("Answered a reporter"),
    "tip.triage": _("Triaged a tip"),
}
CHANNEL_LABELS = {"web": _("Web"), "api": _("API"), "cli": _("Command line"), "system": _("System")}


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    chain = models.CharField(max_length=32, editable=False)
    sequence = models.PositiveBigIntegerField(editable=False)
    at = models.DateTimeField(_("time"), editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    membership = models.ForeignKey(
        "organisations.Membership", null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    channel = models.CharField(_("channel"), max_length=10, editable=False)
    action = models.CharField(_("action"), max_length=64, editable=False)
    object_type = models.CharField(_("object type"), max_length=64, blank=True, editable=False)
    object_id = models.CharField(_("object"), max_length=64, blank=True, editable=False)
    # Identifiers and field names only: never a personal value.
    detail = models.JSONField(default=dict, blank=True, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["chain", "sequence"]
        constraints = [models.UniqueConstraint(fields=["chain", "sequence"], name="audit_chain_sequence")]
        indexes = [models.Index(fields=["organisation", "-at"], name="audit_org_time")]

    def __str__(self) -> str:
        return f"{self.chain} #{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit entries cannot be deleted")

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def channel_label(self) -> str:
        return str(CHANNEL_LABELS.get(self.channel, self.channel))


class AuditChainHead(models.Model):
    """The last entry of each chain; appends lock this row so the chain never forks."""

    chain = models.CharField(max_length=32, unique=True)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.chain} at #{self.sequence}"
