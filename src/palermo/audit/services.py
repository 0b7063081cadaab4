"""Writing and verifying the audit trail."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone

from palermo.audit.models import AuditChainHead, AuditEntry
from palermo.encryption.keyring import hmac_key
from palermo.permissions import Actor

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
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    organisation_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the acting organisation's chain (in the caller's transaction).

    `detail` must hold identifiers and field names only, never personal values.
    """
    if organisation_id is None:
        organisation_id = actor.membership.organisation_id if actor.membership else None
    chain = chain_for(organisation_id)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(chain=chain)
        entry = AuditEntry(
            chain=chain,
            sequence=head.sequence + 1,
            at=timezone.now(),
            organisation_id=organisation_id,
            actor_id=actor.user.pk if actor.user else None,
            membership_id=actor.membership.pk if actor.membership else None,
            channel=actor.channel.value,
            action=action,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            detail=detail or {},
            previous_hash=head.hash,
        )
        entry.hash = _entry_digest(entry.previous_hash, _content(entry))
        entry.save(force_insert=True)
        head.sequence = entry.sequence
        head.hash = entry.hash
        head.save(update_fields=["sequence", "hash"])
    return entry


def audited_get(*, actor: Actor, queryset: models.QuerySet[M], object_id: int | str, action: str) -> M:
    """One record from a queryset already scoped to the actor, with its read audited.

    Missing and out of scope both answer 404, so nobody learns that a record exists.
    """
    try:
        found = queryset.get(pk=int(object_id))
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
    audit_record(actor=actor, action=action, target=found)
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
