"""`palermo rotate-keys`: re-encrypt every encrypted value with the first key of PALERMO_ENCRYPTION_KEYS.

    palermo rotate-keys [--batch-size 500] [--limit N]
    palermo rotate-keys --check

Resumable and idempotent: each batch commits on its own, and a run only touches values still under
another key, so an interrupted run is simply started again and a finished one finds nothing to do.
`--check` counts the values under each key from the stored prefix (nothing is decrypted) and exits
with 1 while any value uses a key other than the primary one: drop an old key only when it reads 0.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from palermo.audit.services import audit_record
from palermo.encryption.keyring import keyring
from palermo.encryption.rotation import (
    NOT_ENCRYPTED,
    EncryptedTable,
    RotationError,
    encrypted_tables,
    key_usage,
    rotate_table,
)
from palermo.permissions import ActingUser


class Command(BaseCommand):
    help = "Re-encrypt every personal field with the first key of PALERMO_ENCRYPTION_KEYS (--check: count per key)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")
        parser.add_argument("--limit", type=int, help="stop after this many rows; run again to continue")
        parser.add_argument(
            "--check", action="store_true", help="count the values under each key; exit 1 while an old key is in use"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            self._check()
            return
        size, limit = options["batch_size"], options["limit"]
        if not 1 <= size <= 10_000:
            raise CommandError("--batch-size must be between 1 and 10000.", returncode=2)
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.", returncode=2)
        primary = keyring().primary_id
        total, complete = 0, True
        for table in encrypted_tables():
            remaining = None if limit is None else limit - total
            if remaining == 0:
                complete = False
                break
            try:
                result = rotate_table(table, batch_size=size, limit=remaining, progress=self._progress)
            except RotationError as error:
                self._audit_run(rows=total, complete=False)
                raise CommandError(f"{error}. Rows done so far stay done; fix the key list and run again.") from None
            total += result.rows
            complete = complete and result.complete
        if complete and limit is not None:
            complete = all(count == 0 for count in self._stale_counts().values())
        self._audit_run(rows=total, complete=complete)
        if not complete:
            self.stdout.write(f"Stopped after {total} rows (--limit): run `palermo rotate-keys` again to finish.")
        elif total == 0:
            self.stdout.write(f"Done: 0 rows now use key {primary!r}; every value already used it, nothing changed.")
        else:
            self.stdout.write(f"Done: {total} rows now use key {primary!r}.")

    def _progress(self, table: EncryptedTable, done: int, total: int) -> None:
        self.stdout.write(f"{table.label}: {done}/{total} rows re-encrypted")

    def _audit_run(self, *, rows: int, complete: bool) -> None:
        audit_record(
            acting=ActingUser.system(),
            action="encryption.rotate_run",
            detail={"key": keyring().primary_id, "rows": rows, "complete": complete},
        )

    def _stale_counts(self) -> Counter[str]:
        primary = keyring().primary_id
        stale: Counter[str] = Counter()
        for label, counts in key_usage().items():
            stale[label] = sum(count for key_id, count in counts.items() if key_id != primary)
        return stale

    def _check(self) -> None:
        ring = keyring()
        usage = key_usage()
        per_key: Counter[str] = Counter()
        for counts in usage.values():
            per_key.update(counts)
        for key_id in ring.keys:
            role = "primary" if key_id == ring.primary_id else "old"
            self.stdout.write(f"key {key_id!r} ({role}): {per_key.get(key_id, 0)} values")
        for key_id in sorted(set(per_key) - set(ring.keys)):
            if key_id == NOT_ENCRYPTED:
                self.stdout.write(f"not encrypted: {per_key[key_id]} values")
            else:
                self.stdout.write(f"key {key_id!r} (not configured, cannot be read): {per_key[key_id]} values")
        for label, counts in usage.items():
            stale = sum(count for key_id, count in counts.items() if key_id != ring.primary_id)
            if stale:
                self.stdout.write(f"  {label}: {stale} values to re-encrypt")
        left = sum(count for key_id, count in per_key.items() if key_id != ring.primary_id)
        if left:
            raise CommandError(
                f"{left} values still use a key other than {ring.primary_id!r}: run `palermo rotate-keys`.",
                returncode=1,
            )
        self.stdout.write(f"Every value uses key {ring.primary_id!r}: the other keys can be removed.")
