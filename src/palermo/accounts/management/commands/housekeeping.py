from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from palermo.accounts.tasks import housekeeping


class Command(BaseCommand):
    help = "Queue the sign-in housekeeping task (run it from cron, e.g. hourly)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = housekeeping.enqueue()
        if result.is_finished:
            self.stdout.write(f"Housekeeping done: {result.return_value}")
        else:
            self.stdout.write(f"Housekeeping queued on the {settings.PALERMO_TASKS_BACKEND} backend as {result.id}.")
