"""Moving every encrypted value to the primary key, and counting which key each value uses.

Both work on the raw columns with SQL, never through model instances: the ORM would decrypt every
field of a row and `save()` would run model rules (append-only notes refuse it). The re-encryption
path writes only the re-sealed ciphertext of the same plaintext, compare-and-swap on the old
ciphertext, so a concurrent edit (already sealed with the primary key) is never overwritten.

The columns are found by introspection (every installed model's encrypted fields), so a new model
cannot be forgotten.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from palermo.audit.services import audit_record
from palermo.encryption.fields import EncryptedFieldMixin
from palermo.encryption.keyring import PREFIX, DecryptionError, keyring
from palermo.permissions import ActingUser

NOT_ENCRYPTED = ""  # the key id reported for a value that is not a Palermo ciphertext at all


class RotationError(Exception):
    """A value could not be re-encrypted (its key is not configured, or it fails authentication)."""


@dataclass(frozen=True)
class EncryptedTable:
    model: type[models.Model]
    fields: tuple[EncryptedFieldMixin, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def table(self) -> str:
        return connection.ops.quote_name(self.model._meta.db_table)

    @property
    def pk(self) -> str:
        return connection.ops.quote_name(self.model._meta.pk.column)

    def column(self, field: EncryptedFieldMixin) -> str:
        return connection.ops.quote_name(field.column)  # type: ignore[attr-defined]


def encrypted_tables() -> list[EncryptedTable]:
    """Every table with an encrypted column, each column once (no proxies, no inherited columns)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        fields = tuple(f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedFieldMixin))
        if fields:
            found.append(EncryptedTable(model=model, fields=fields))
    return found


def _current_prefix() -> str:
    return f"{PREFIX}:{keyring().primary_id}:"


def _stale(table: EncryptedTable, column: str) -> str:
    # substr() compares case-sensitively on SQLite and PostgreSQL alike (LIKE does not on SQLite).
    return f"({column} IS NOT NULL AND substr({column}, 1, %s) <> %s)"


def _stale_where(table: EncryptedTable) -> tuple[str, list[Any]]:
    prefix = _current_prefix()
    where = " OR ".join(_stale(table, table.column(f)) for f in table.fields)
    return where, [len(prefix), prefix] * len(table.fields)


def stale_count(table: EncryptedTable) -> int:
    """Rows of the table with at least one value under a key other than the primary one."""
    where, params = _stale_where(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table.table} WHERE {where}", params)  # noqa: S608
        return int(cursor.fetchone()[0])


def _key_id_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        extract = f"split_part({column}, ':', 2)"
    else:
        extract = f"substr({column}, 5, instr(substr({column}, 5), ':') - 1)"
    return f"CASE WHEN substr({column}, 1, 4) = '{PREFIX}:' THEN {extract} ELSE '{NOT_ENCRYPTED}' END"


def key_usage() -> dict[str, Counter[str]]:
    """Per model label, how many values use each key id, read from the raw column prefix (never decrypted)."""
    usage: dict[str, Counter[str]] = {}
    with connection.cursor() as cursor:
        for table in encrypted_tables():
            counts: Counter[str] = Counter()
            for field in table.fields:
                column = table.column(field)
                key_id = _key_id_sql(column)
                cursor.execute(
                    f"SELECT {key_id}, COUNT(*) FROM {table.table} WHERE {column} IS NOT NULL GROUP BY {key_id}"  # noqa: S608
                )
                for found, count in cursor.fetchall():
                    counts[found] += int(count)
            usage[table.label] = counts
    return usage


def _next_batch(table: EncryptedTable, size: int, after: Any) -> list[tuple[Any, ...]]:
    """The next stale rows in primary-key order, locked where the database can (call inside a transaction)."""
    columns = ", ".join(table.column(f) for f in table.fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    where, params = _stale_where(table)
    if after is not None:
        where, params = f"({where}) AND {table.pk} > %s", [*params, after]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {table.pk}, {columns} FROM {table.table} WHERE {where} "  # noqa: S608
            f"ORDER BY {table.pk} LIMIT %s{lock}",
            [*params, size],
        )
        return list(cursor.fetchall())


def _reseal_row(table: EncryptedTable, row: tuple[Any, ...]) -> bool:
    ring, prefix = keyring(), _current_prefix()
    pk, values = row[0], row[1:]
    sets, wheres, params, expected = [], [], [], []
    for field, stored in zip(table.fields, values, strict=True):
        if stored is None or stored.startswith(prefix):
            continue
        context = field._context()
        try:
            resealed = ring.encrypt(ring.decrypt(stored, context), context)
        except DecryptionError as error:
            # The key id and the row id, never the value.
            raise RotationError(f"{table.label} #{pk}, field {field.name!r}: {error}") from None
        sets.append(f"{table.column(field)} = %s")
        params.append(resealed)
        wheres.append(f"{table.column(field)} = %s")
        expected.append(stored)
    if not sets:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table.table} SET {', '.join(sets)} WHERE {table.pk} = %s AND {' AND '.join(wheres)}",  # noqa: S608
            [*params, pk, *expected],
        )
        return cursor.rowcount == 1


@dataclass
class RotationResult:
    rows: int = 0
    complete: bool = True


def rotate_table(
    table: EncryptedTable,
    *,
    batch_size: int,
    limit: int | None = None,
    progress: Callable[[EncryptedTable, int, int], None] = lambda table, done, total: None,
) -> RotationResult:
    """Re-encrypt the table's stale values with the primary key, batch by batch, each batch committed.

    Stops after `limit` rows (the run is then incomplete); running again continues where it stopped.
    """
    total, done, after = stale_count(table), 0, None
    result = RotationResult()
    while total:
        size = batch_size if limit is None else min(batch_size, limit - result.rows)
        if size <= 0:
            result.complete = stale_count(table) == 0
            break
        with transaction.atomic():
            rows = _next_batch(table, size, after)
            if not rows:
                break
            resealed = sum(_reseal_row(table, row) for row in rows)
            audit_record(
                acting=ActingUser.system(),
                action="encryption.rotate",
                detail={"model": table.model._meta.label_lower, "rows": resealed, "key": keyring().primary_id},
            )
        after = rows[-1][0]
        result.rows += resealed
        done += len(rows)
        progress(table, min(done, total), total)
    return result
