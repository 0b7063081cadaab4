from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from palermo.audit.models import AuditEntry
from palermo.audit.services import audit_verify


class Command(BaseCommand):
    help = "The audit trail: palermo audit verify"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check every hash chain; exit 1 if anything was altered")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(audit_verify())
        total = AuditEntry.objects.count()
        for problem in problems:
            self.stderr.write(f"{problem.chain} #{problem.sequence}: {problem.message}")
        if problems:
            raise CommandError(f"Audit trail altered: {len(problems)} problem(s) in {total} entries.")
        self.stdout.write(f"Audit trail intact: {total} entries verified.")
