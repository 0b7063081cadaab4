"""The periodic audit checkpoint, run through the one task mechanism.

Cron runs `palermo audit checkpoint` (hourly, say), which queues this task; a worker writes the signed
statement into PALERMO_AUDIT_CHECKPOINT_DIR, from where the deployment copies it off the database
server (docs/audit-checkpoints.md).
"""

from __future__ import annotations

from django_tasks import task

from palermo.audit.checkpoints import checkpoint_directory, checkpoint_write


@task()
def audit_checkpoint() -> str:
    """Write a signed checkpoint of every audit chain; returns the file's path."""
    return str(checkpoint_write(output=checkpoint_directory()))
