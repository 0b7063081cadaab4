"""Writing and verifying the audit trail."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist
from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import Http404
from django.utils import timezone

from palermo.audit.models import AuditChainHead, AuditEntry
from palermo.hmac_keys import hmac_key
from palermo.model_labels import stored_label
from palermo.permissions import ActingUser

GENESIS = "0" * 64
M = TypeVar("M", bound=models.Model)


def chain_for(organisation_id: int | None) -> str:
    return f"org:{organisation_id}" if organisation_id else "system"


def _entry_digest(previous_hash: str, content: dict[str, Any]) -> str:
    # Keyed with a secret outside the database: rewriting the whole chain needs the key too.
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(hmac_key("audit-chain"), f"{previous_hash}|{canonical}".encode(), hashlib.sha256).hexdigest()


def _content(entry: AuditEntry) -> dict[str, Any]:
    return {
        "chain": entry.chain,
        "sequence": entry.sequence,
        "at": entry.at.isoformat(),
        "organisation": entry.organisation_id,
        "actor": entry.actor_id,
        "membership": entry.membership_id,
        "channel": entry.channel,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "detail": entry.detail,
    }


def audit_record(
    *,
    acting: ActingUser,
    action: str,
    target: models.Model | None = None,
    organisation_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the acting organisation's chain (in the caller's transaction).

    `detail` must hold identifiers and field names only, never personal values.
    """
    if organisation_id is None:
        organisation_id = acting.membership.organisation_id if acting.membership else None
    chain = chain_for(organisation_id)
    entry = AuditEntry(
        chain=chain,
        at=timezone.now(),
        organisation_id=organisation_id,
        actor_id=acting.user.pk if acting.user else None,
        membership_id=acting.membership.pk if acting.membership else None,
        channel=acting.channel.value,
        action=action,
        object_type=stored_label(target) if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        detail=detail or {},
    )
    connection = connections[AuditEntry.objects.db]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        entry.sequence, entry.previous_hash = _advance_head(cursor, connection, chain)
        entry.hash = _entry_digest(entry.previous_hash, _content(entry))
        values = [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in _ENTRY_FIELDS]
        if connection.vendor == "postgresql":
            # One round trip for the entry and the head's new hash.
            cursor.execute(_sql(connection)["insert_and_set_hash"], [*values, entry.hash, chain])
            entry.pk = cursor.fetchone()[0]
        else:
            cursor.execute(_sql(connection)["insert"], values)
            entry.pk = cursor.fetchone()[0]
            cursor.execute(_sql(connection)["set_hash"], [entry.hash, chain])
        entry._state.adding = False
        entry._state.db = connection.alias
    return entry


# Every page and API call that reads personal data appends an entry, so appending is written as plain
# statements (three; two on PostgreSQL): the ORM's query building took longer than the statements themselves.
_ENTRY_FIELDS: list[models.Field[Any, Any]] = [
    cast("models.Field[Any, Any]", AuditEntry._meta.get_field(name))
    for name in (
        "chain",
        "sequence",
        "at",
        "organisation",
        "actor",
        "membership",
        "channel",
        "action",
        "object_type",
        "object_id",
        "detail",
        "previous_hash",
        "hash",
    )
]


_SQL_BY_VENDOR: dict[str, dict[str, str]] = {}


def _sql(connection: BaseDatabaseWrapper) -> dict[str, str]:
    if connection.vendor not in _SQL_BY_VENDOR:
        _SQL_BY_VENDOR[connection.vendor] = _statements(connection)
    return _SQL_BY_VENDOR[connection.vendor]


def _statements(connection: BaseDatabaseWrapper) -> dict[str, str]:
    quote = connection.ops.quote_name
    head, entries = quote(AuditChainHead._meta.db_table), quote(AuditEntry._meta.db_table)
    columns = ", ".join(quote(str(field.column)) for field in _ENTRY_FIELDS)
    placeholders = ", ".join(["%s"] * len(_ENTRY_FIELDS))
    # Only quoted table and column names of our own models are put into the text; values are parameters.
    return {
        # Takes the next number and locks the head row until the transaction ends (on SQLite the
        # IMMEDIATE transaction holds the write lock already): two appends can never get one number.
        "advance": f"UPDATE {head} SET sequence = sequence + 1 WHERE chain = %s RETURNING sequence, hash",  # noqa: S608
        "create": f"INSERT INTO {head} (chain, sequence, hash) VALUES (%s, 0, %s) ON CONFLICT (chain) DO NOTHING",  # noqa: S608
        "insert": f"INSERT INTO {entries} ({columns}) VALUES ({placeholders}) RETURNING id",  # noqa: S608
        "set_hash": f"UPDATE {head} SET hash = %s WHERE chain = %s",  # noqa: S608
        # PostgreSQL runs both in one statement (data-modifying WITH); SQLite has no such WITH.
        "insert_and_set_hash": (
            f"WITH entry AS (INSERT INTO {entries} ({columns}) VALUES ({placeholders}) RETURNING id),"  # noqa: S608
            f" head AS (UPDATE {head} SET hash = %s WHERE chain = %s) SELECT id FROM entry"
        ),
    }


def _advance_head(cursor: Any, connection: BaseDatabaseWrapper, chain: str) -> tuple[int, str]:
    """The chain's next sequence number and the hash of its last entry; the chain's first entry creates its head."""
    cursor.execute(_sql(connection)["advance"], [chain])
    row = cursor.fetchone()
    if row is None:
        cursor.execute(_sql(connection)["create"], [chain, GENESIS])
        cursor.execute(_sql(connection)["advance"], [chain])
        row = cursor.fetchone()
    return int(row[0]), str(row[1])


def audited_get(*, acting: ActingUser, queryset: models.QuerySet[M], object_id: int | str, action: str) -> M:
    """One record from a queryset already scoped to the acting user, with its read audited.

    Missing and out of scope both answer 404, so nobody learns that a record exists.
    """
    try:
        found = queryset.get(pk=int(object_id))
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
    audit_record(acting=acting, action=action, target=found)
    return found


@dataclass(frozen=True)
class AuditProblem:
    chain: str
    sequence: int
    message: str


def audit_verify(*, batch_size: int = 2000) -> Iterator[AuditProblem]:
    """Walk every chain and report each entry that was edited, removed or inserted."""
    heads = {head.chain: head for head in AuditChainHead.objects.all()}
    chains = set(heads) | set(AuditEntry.objects.values_list("chain", flat=True).distinct())
    for chain in sorted(chains):
        expected_sequence, previous_hash = 1, GENESIS
        entries = AuditEntry.objects.filter(chain=chain).order_by("sequence")
        for entry in entries.iterator(chunk_size=batch_size):
            if entry.sequence != expected_sequence:
                yield AuditProblem(
                    chain, expected_sequence, f"entries {expected_sequence} to {entry.sequence - 1} missing"
                )
            elif entry.previous_hash != previous_hash:
                yield AuditProblem(chain, entry.sequence, "link to the previous entry broken")
            if _entry_digest(entry.previous_hash, _content(entry)) != entry.hash:
                yield AuditProblem(chain, entry.sequence, "content does not match its hash (edited)")
            expected_sequence, previous_hash = entry.sequence + 1, entry.hash
        head = heads.get(chain)
        if head is None:
            yield AuditProblem(chain, expected_sequence - 1, "chain has no head record")
        elif head.sequence != expected_sequence - 1 or head.hash != previous_hash:
            yield AuditProblem(chain, head.sequence, "last entries missing (chain head points past the end)")
