from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from palermo.worklist.tasks import send_reminders


class Command(BaseCommand):
    help = (
        "Queue the reminder digest: each user gets one e-mail about work newly overdue or due by tomorrow "
        "(references and counts only). Run it daily from cron; running it again sends nothing twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_reminders.enqueue()
        if result.is_finished:
            self.stdout.write(f"Reminders sent: {result.return_value}")
        else:
            self.stdout.write(f"Reminders queued on the {settings.PALERMO_TASKS_BACKEND} backend as {result.id}.")
