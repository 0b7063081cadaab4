"""Reminders: one e-mail a day per user about work items newly overdue or due by tomorrow.

Run through the one task mechanism (`palermo send-reminders`, from cron, queues it). The e-mail
holds kinds of work, case references, dates and counts; never a title, a name or a note, since
e-mail leaves Palermo's protection. Each item is announced once per reason (coming up, then
overdue), recorded in ReminderSent, so running the task twice sends nothing new.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from palermo.accounts.models import User
from palermo.organisations.models import Membership
from palermo.permissions import ActingUser, Capability, Channel, can
from palermo.worklist.items import WorkItem, work_items_for
from palermo.worklist.labels import kind_label
from palermo.worklist.models import ReminderSent

logger = logging.getLogger(__name__)


def _item_key(item: WorkItem) -> str:
    return f"{item.kind}|{item.url}|{item.due.isoformat()}"[:400]


def _digest(lines: list[tuple[str, WorkItem]], today: datetime.date) -> tuple[str, str]:
    overdue = [item for reason, item in lines if reason == "overdue"]
    soon = [item for reason, item in lines if reason == "soon"]
    subject = _("Palermo: %(overdue)d overdue, %(soon)d due by tomorrow") % {"overdue": len(overdue), "soon": len(soon)}
    body = [_("Work that needs you in Palermo:"), ""]
    for heading, items in ((_("Overdue"), overdue), (_("Due today or tomorrow"), soon)):
        if not items:
            continue
        body.append(f"{heading} ({len(items)}):")
        for item in items:
            reference = f" · {item.case_reference}" if item.case_reference else ""
            body.append(f"- {item.due.isoformat()} · {kind_label(item.kind)}{reference}")
        body.append("")
    body.append(_("Sign in to see the details on “My work”."))
    return subject, "\n".join(body)


@transaction.atomic
def _announce(user: User, lines: list[tuple[str, WorkItem]], today: datetime.date) -> list[tuple[str, WorkItem]]:
    """Record and send what this user was not told yet; nothing is recorded unless the mail went out."""
    fresh: list[tuple[str, WorkItem]] = []
    for reason, item in lines:
        try:
            with transaction.atomic():
                ReminderSent.objects.create(user=user, item=_item_key(item), reason=reason)
        except IntegrityError:
            continue  # announced already
        fresh.append((reason, item))
    if not fresh or not user.email:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _digest(fresh, today)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return fresh


@task()
def send_reminders() -> dict[str, int]:
    """E-mail each user a digest of their work items newly overdue or due by tomorrow."""
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    memberships = (
        Membership.objects.filter(is_active=True, user__is_active=True, organisation__is_active=True)
        .select_related("user", "organisation")
        .order_by("user_id", "pk")
    )
    by_user: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_user.setdefault(membership.user_id, []).append(membership)
    sent = announced = 0
    for user_memberships in by_user.values():
        user = user_memberships[0].user
        lines: list[tuple[str, WorkItem]] = []
        for membership in user_memberships:
            acting = ActingUser(user=user, membership=membership, channel=Channel.SYSTEM)
            if not can(acting, Capability.WORK_VIEW):
                continue
            for item in work_items_for(acting):
                if item.due > tomorrow:
                    continue
                reason = "overdue" if item.due < today else "soon"
                lines.append((reason, item))
        try:
            fresh = _announce(user, lines, today)
        except Exception:
            # One mail server refusal must not stop everyone else's reminders; the records of this
            # user rolled back, so the next run tries again. Only the user's id is logged.
            logger.exception("Reminder digest for user %s not sent", user.pk)
            continue
        if fresh:
            sent += 1
            announced += len(fresh)
    return {"emails": sent, "items": announced}
