"""Writes to "my work": manual tasks. A task belongs to the organisation it was created in."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.audit.services import audit_record
from palermo.cases.models import Case
from palermo.organisations.models import Membership
from palermo.permissions import ActingUser, Capability, require
from palermo.worklist.models import Task

MAX_TITLE_LENGTH = 500


@transaction.atomic
def task_add(
    *,
    acting: ActingUser,
    title: str,
    due_on: datetime.date,
    case: Case | None = None,
    assignee_id: int | None = None,
) -> Task:
    """Add a task for the acting user, or for another active member of their organisation.

    `case`, if given, must come from `case_get_for` (scoped to the acting user).
    """
    require(acting, Capability.WORK_VIEW)
    assert acting.membership is not None
    assert acting.user is not None
    organisation_id = acting.membership.organisation_id
    title = title.strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Say what has to be done.")]
    elif len(title) > MAX_TITLE_LENGTH:
        errors["title"] = [_("Keep it under %(n)d characters.") % {"n": MAX_TITLE_LENGTH}]
    assignee_id = assignee_id or acting.user.pk
    if not Membership.objects.filter(organisation_id=organisation_id, user_id=assignee_id, is_active=True).exists():
        errors["assignee"] = [_("Choose someone from your organisation.")]
    if case is not None and case.organisation_id != organisation_id:
        errors["case"] = [_("Choose a case of your organisation.")]
    if errors:
        raise ValidationError(errors)
    task = Task.objects.create(
        organisation_id=organisation_id,
        case=case,
        assignee_id=assignee_id,
        title=title,
        due_on=due_on,
        created_by=acting.user,
    )
    audit_record(acting=acting, action="task.add", target=task, detail={"case": case.pk if case else None})
    return task


@transaction.atomic
def task_set_done(*, acting: ActingUser, task: Task, done: bool) -> Task:
    """Tick a task off, or back on; `task` comes from `task_get_for`."""
    require(acting, Capability.WORK_VIEW)
    task.done_at = timezone.now() if done else None
    task.save(update_fields=["done_at"])
    audit_record(acting=acting, action="task.done" if done else "task.reopen", target=task)
    return task
