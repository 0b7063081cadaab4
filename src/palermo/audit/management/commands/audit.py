from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks.base import TaskResultStatus

from palermo.audit.checkpoints import (
    CheckpointError,
    checkpoint_directory,
    checkpoint_read,
    checkpoint_statement,
    checkpoint_text,
    checkpoint_write,
    compare_with_checkpoint,
    public_key_text,
)
from palermo.audit.models import AuditEntry
from palermo.audit.services import audit_verify
from palermo.audit.tasks import audit_checkpoint


class Command(BaseCommand):
    help = "The audit trail: palermo audit verify [--since-checkpoint FILE] | palermo audit checkpoint [--output PATH]"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check every hash chain; exit 1 if anything was altered")
        verify.add_argument(
            "--since-checkpoint",
            metavar="FILE",
            help="also check that no chain was deleted, shortened or rewritten since this signed checkpoint",
        )
        checkpoint = sub.add_parser(
            "checkpoint",
            help="write a signed statement of every chain's length and head hash (run it hourly from cron)",
        )
        checkpoint.add_argument(
            "--output",
            metavar="PATH",
            help="write now to this directory (a file named by time) or new file, or '-' for standard output;"
            " without it, queue the task that writes into PALERMO_AUDIT_CHECKPOINT_DIR",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "checkpoint":
                self._checkpoint(options["output"])
            else:
                self._verify(options["since_checkpoint"])
        except CheckpointError as error:
            raise CommandError(str(error)) from None

    def _checkpoint(self, output: str | None) -> None:
        if output == "-":
            self.stdout.write(checkpoint_text(checkpoint_statement()), ending="")
            return
        if output:
            written = str(checkpoint_write(output=output))
        else:
            checkpoint_directory()  # refuse here, clearly, rather than in a worker's log
            result = audit_checkpoint.enqueue()
            if not result.is_finished:
                self.stdout.write(
                    f"Audit checkpoint queued on the {settings.PALERMO_TASKS_BACKEND} backend as {result.id}."
                )
                return
            if result.status == TaskResultStatus.FAILED:
                # The traceback's last line is the error itself: a path and a reason, never personal data.
                reason = result.errors[-1].traceback.strip().splitlines()[-1] if result.errors else "unknown error"
                raise CommandError(f"Audit checkpoint failed: {reason}")
            written = str(result.return_value)
        self.stdout.write(f"Audit checkpoint written: {written}")
        self.stdout.write(f"Signed with {public_key_text()}")

    def _verify(self, since_checkpoint: str | None) -> None:
        checkpoint = checkpoint_read(since_checkpoint) if since_checkpoint else None
        problems = list(audit_verify())
        total = AuditEntry.objects.count()
        for problem in problems:
            self.stderr.write(f"{problem.chain} #{problem.sequence}: {problem.message}")
        if checkpoint is None:
            if problems:
                raise CommandError(f"Audit trail altered: {len(problems)} problem(s) in {total} entries.")
            self.stdout.write(f"Audit trail intact: {total} entries verified.")
            return
        broken = {problem.chain for problem in problems}
        failures = len(problems)
        for report in compare_with_checkpoint(checkpoint.chains):
            counts = f"{report.checkpoint_length} entries at the checkpoint, {report.current_length} now"
            if report.problem:
                failures += 1
                self.stderr.write(f"{report.chain}: {report.problem}")
            elif report.chain in broken:
                self.stderr.write(f"{report.chain}: as long as at the checkpoint ({counts}), but altered (above)")
            else:
                self.stdout.write(f"{report.chain}: intact, {counts}")
        if failures:
            raise CommandError(
                f"Audit trail rolled back or altered since the checkpoint: {failures} problem(s)."
                f" Checkpoint of {checkpoint.made_at} ({checkpoint.deployment})."
            )
        self.stdout.write(
            f"Audit trail intact and complete since the checkpoint of {checkpoint.made_at}: {total} entries verified."
        )
