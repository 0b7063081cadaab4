"""The reminder digest: through the task mechanism, once per item and reason, and never a name,
a note or a task's own words."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from palermo.assistance.services import plan_item_add, risk_assessment_record
from palermo.organisations.models import Role
from palermo.worklist.models import ReminderSent
from palermo.worklist.services import task_add
from palermo.worklist.tasks import send_reminders
from tests.assistance.helpers import open_case
from tests.conftest import acting_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def worker(org_a, member):
    return member(Role.CASE_WORKER, org_a)


def test_each_user_gets_one_digest_of_overdue_and_tomorrows_work_with_references_only(worker, org_a, member):
    acting = acting_of(worker)
    case = open_case(worker)  # the person is "Olena Testova"
    case.assigned_to.add(worker.user)
    colleague = member(Role.CASE_WORKER, org_a)  # nothing of theirs is due
    risk_assessment_record(
        acting=acting,
        case=case,
        level="high",
        assessed_on=TODAY - 9 * DAY,
        review_on=TODAY - DAY,
        factors=[{"kind": "traffickers", "rating": "high", "note": "Threatened by Marko"}],
    )
    plan_item_add(acting=acting, case=case, service="shelter", ends_on=TODAY + DAY, notes="Room near Marko's bar")
    task_add(acting=acting, title="Ring Olena's sister", due_on=TODAY + DAY)
    task_add(acting=acting, title="Later, not yet", due_on=TODAY + 10 * DAY)

    result = send_reminders.enqueue()
    assert result.return_value == {"emails": 1, "items": 3}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [worker.user.email]
    assert message.subject == "Palermo: 1 overdue, 2 due by tomorrow"
    assert message.body.splitlines() == [
        "Work that needs you in Palermo:",
        "",
        "Overdue (1):",
        f"- {(TODAY - DAY).isoformat()} · Risk review · {case.reference}",
        "",
        "Due today or tomorrow (2):",
        f"- {(TODAY + DAY).isoformat()} · Assistance plan · {case.reference}",
        f"- {(TODAY + DAY).isoformat()} · Task",
        "",
        "Sign in to see the details on “My work”.",
    ]
    for secret in ("Olena", "Testova", "Marko", "sister", "Room", "high"):
        assert secret not in message.body + message.subject
    assert colleague.user.email not in [m.to[0] for m in mail.outbox]


def test_nothing_is_sent_twice_and_an_item_that_becomes_overdue_is_announced_once_more(worker):
    acting = acting_of(worker)
    case = open_case(worker)
    plan_item_add(acting=acting, case=case, service="legal", ends_on=TODAY + DAY)
    send_reminders.enqueue()
    send_reminders.enqueue()
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.filter(user=worker.user).count() == 1

    # Two days on, the same item is overdue: one more digest, then silence again.
    ReminderSent.objects.update(sent_at=timezone.now() - 2 * DAY)
    later = TODAY + 2 * DAY
    from unittest import mock

    with mock.patch("django.utils.timezone.localdate", return_value=later):
        send_reminders.enqueue()
        send_reminders.enqueue()
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "Palermo: 1 overdue, 0 due by tomorrow"


def test_the_command_queues_the_digest(worker, capsys):
    task_add(acting=acting_of(worker), title="Anything", due_on=TODAY)
    call_command("send_reminders")
    assert "Reminders sent: {'emails': 1, 'items': 1}" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_a_mail_server_refusal_keeps_nothing_so_the_next_run_sends_it(worker, settings):
    task_add(acting=acting_of(worker), title="Anything", due_on=TODAY)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens there
    assert send_reminders.enqueue().return_value == {"emails": 0, "items": 0}
    assert not ReminderSent.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_reminders.enqueue().return_value == {"emails": 1, "items": 1}
    assert len(mail.outbox) == 1
