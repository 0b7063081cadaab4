"""Manual tasks on "my work", and the record of reminders already sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.encryption.fields import EncryptedTextField


class Task(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="work_tasks")
    # Free text: a worker may well write a name here, so it is encrypted and never e-mailed.
    title = EncryptedTextField(_("what to do"))
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"], name="task_open_by_assignee")]

    def __str__(self) -> str:
        return f"task {self.pk} due {self.due_on}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ReminderSent(models.Model):
    """One work item already announced to one user, so the digest never repeats it.

    `item` is kind, link and due date (ids and dates only); a changed due date is a new item.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=400)
    reason = models.CharField(max_length=16)  # overdue | tomorrow
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "item", "reason"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.item} ({self.reason})"
