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
    "case.list": _("Listed cases"),
    "case.assign": _("Changed a case's case workers"),
    "case.update": _("Changed a case"),
    "case.link_screening": _("Linked a screening to a case"),
    "case.note": _("Added a case note"),
    "case.close": _("Closed a case"),
    "case.reopen": _("Reopened a case"),
    "case.export": _("Exported a case (HTCDS)"),
    "case.attachment.add": _("Added a file to a case"),
    "case.attachment.remove": _("Removed a file from a case"),
    "case.attachment.download": _("Downloaded a file of a case"),
    "consent.record": _("Recorded a consent"),
    "consent.view": _("Opened a consent"),
    "consent.withdraw": _("Recorded the withdrawal of a consent"),
    "legal_basis.record": _("Recorded a legal basis for sharing"),
    "referral.send": _("Referred a case"),
    "referral.view": _("Opened a referral"),
    "referral.list": _("Listed referrals"),
    "referral.shared_view": _("Read the information shared by a referral"),
    "referral.accept": _("Accepted a referral"),
    "referral.decline": _("Declined a referral"),
    "referral.revoke": _("Revoked a referral"),
    "membership.add": _("Gave a role"),
    "membership.deactivate": _("Took a role away"),
    "invitation.create": _("Invited someone to a role"),
    "invitation.accept": _("Accepted an invitation"),
    "invitation.revoke": _("Revoked an invitation"),
    "user.create": _("Created an account"),
    "user.deactivate": _("Deactivated an account"),
    "user.password_change": _("Changed their password"),
    "organisation.create": _("Registered an organisation"),
    "token.create": _("Created an API token"),
    "token.revoke": _("Revoked an API token"),
    "totp.confirm": _("Paired an authenticator app"),
    "second_factor.verify": _("Verified a session with the second factor"),
    "recovery_codes.generate": _("Made new recovery codes"),
    "audit.export": _("Exported the audit trail"),
    "encryption.rotate": _("Re-encrypted records with a new key"),
    "encryption.rotate_run": _("Ran a key rotation"),
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
    "tip.assign": _("Assigned a tip"),
    "tip.forward": _("Forwarded a tip to another organisation"),
    "tip.forward_receive": _("Received a tip forwarded by another organisation"),
    "tip.link": _("Linked two tips"),
    "tip.unlink": _("Unlinked two tips"),
    "tip.convert": _("Turned a tip into a screening or an inspection request"),
    "tip.photo_download": _("Downloaded a photo sent with a tip"),
    "tip_route.set": _("Routed tips to an organisation"),
    "tip_route.remove": _("Removed a tip route"),
    "tip.deliver_held": _("Received a tip that was held until a route took it"),
    "inspection_request.record": _("Recorded an inspection request"),
    "inspection_request.status": _("Changed the status of an inspection request"),
    "inspection_request.list": _("Listed inspection requests"),
    "inspection_request.view": _("Opened an inspection request"),
    "assistance.view": _("Opened a case's assistance"),
    "pathway.update": _("Updated a stage of assistance"),
    "recovery_period.start": _("Recorded the start of a recovery and reflection period"),
    "return.consent_record": _("Recorded consent to return"),
    "return.confirmation_record": _("Recorded a receiving provider's confirmation"),
    "plan_item.view": _("Opened an assistance plan item"),
    "plan_item.add": _("Added to an assistance plan"),
    "plan_item.update": _("Changed an assistance plan item"),
    "plan_item.delete": _("Removed an assistance plan item"),
    "risk.assess": _("Recorded a risk assessment"),
    "risk.review_request": _("Asked for a risk review"),
    "risk.list": _("Read a case's risk assessments"),
    "task.view": _("Opened a task"),
    "task.add": _("Added a task"),
    "task.done": _("Ticked off a task"),
    "task.reopen": _("Reopened a task"),
    "worklist.view": _("Opened their work list"),
    "directory.create": _("Added an organisation to the directory"),
    "directory.update": _("Changed a directory entry"),
    "matrix.create": _("Created a response matrix"),
    "matrix.update": _("Changed a response matrix"),
    "matrix.action_add": _("Added an action to a response matrix"),
    "matrix.action_update": _("Changed an action in a response matrix"),
    "matrix.action_delete": _("Removed an action from a response matrix"),
    "matrix.import": _("Imported actions into a response matrix"),
    "matrix.export": _("Exported a response matrix"),
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
