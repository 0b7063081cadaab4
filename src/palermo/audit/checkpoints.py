"""Checkpoints of the audit trail that leave the database.

The hash chain catches an entry edited or removed in the middle, but someone with database access
can delete the last entries and rewind the head, delete a whole chain, or TRUNCATE the table: what is
left is a consistent, shorter trail. A checkpoint is a signed statement of every chain's length and
head hash, written to a file that the deployment copies off the database server; verifying against it
later shows whether any chain lost entries or was rewritten since.

Signed with Ed25519 so that whoever holds a checkpoint can check it with the public key alone, which
is printed in every statement: the off-site store and the auditor need no secret. The private key is
derived from PALERMO_HMAC_KEY for this one purpose, so a deployment has no new secret to keep; whoever
could forge a checkpoint could rewrite the keyed chain itself anyway.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from palermo.audit.models import AuditChainHead, AuditEntry
from palermo.hmac_keys import hmac_key

FORMAT = "palermo-audit-checkpoint/1"
FILE_MODE = 0o440
_HASH = re.compile(r"[0-9a-f]{64}")


class CheckpointError(Exception):
    """A checkpoint could not be written, read or trusted; the message says which and why."""


@dataclass(frozen=True)
class ChainState:
    chain: str
    organisation: int | None
    length: int
    head_hash: str


@dataclass(frozen=True)
class ChainReport:
    chain: str
    checkpoint_length: int
    current_length: int
    problem: str | None


def _signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hmac_key("audit-checkpoint/ed25519"))


def public_key_text() -> str:
    """This deployment's checkpoint public key, as it appears in every statement."""
    return "ed25519:" + base64.b64encode(_signing_key().public_key().public_bytes_raw()).decode()


def _signed_bytes(statement: dict[str, Any]) -> bytes:
    unsigned = {key: value for key, value in statement.items() if key != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def chain_states() -> list[ChainState]:
    """Each chain's last entry: its number is the chain's length, its hash the head hash.

    The head rows only list the chains (one small row each); length and hash come from the entries
    themselves, found through the (chain, sequence) index. A chain whose head row is gone is left out
    here, and plain verify reports it ("chain has no head record").
    """
    last = AuditEntry.objects.filter(chain=OuterRef("chain")).order_by("-sequence")
    heads = (
        AuditChainHead.objects.annotate(
            last_organisation=Subquery(last.values("organisation_id")[:1]),
            last_sequence=Subquery(last.values("sequence")[:1]),
            last_hash=Subquery(last.values("hash")[:1]),
        )
        .filter(last_sequence__isnull=False)
        .order_by("chain")
        .values_list("chain", "last_organisation", "last_sequence", "last_hash")
    )
    return [ChainState(chain, organisation, sequence, digest) for chain, organisation, sequence, digest in heads]


def _current_length(chain: str) -> int:
    last = AuditEntry.objects.filter(chain=chain).order_by("-sequence").values_list("sequence", flat=True).first()
    return last or 0


def checkpoint_statement() -> dict[str, Any]:
    statement: dict[str, Any] = {
        "format": FORMAT,
        "deployment": settings.PALERMO_DEPLOYMENT_NAME,
        "made_at": timezone.now().isoformat(),
        "public_key": public_key_text(),
        "chains": [
            {"chain": s.chain, "organisation": s.organisation, "length": s.length, "head_hash": s.head_hash}
            for s in chain_states()
        ],
    }
    statement["signature"] = base64.b64encode(_signing_key().sign(_signed_bytes(statement))).decode()
    return statement


def checkpoint_text(statement: dict[str, Any]) -> str:
    return json.dumps(statement, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def checkpoint_write(*, output: str | Path) -> Path:
    """Write a new checkpoint: into `output` if it is a directory (named by time), else to that path.

    The file is created exclusively and left read-only: a checkpoint is never overwritten.
    """
    target = Path(output)
    statement = checkpoint_statement()
    if target.is_dir():
        stamp = statement["made_at"].replace("+00:00", "Z").replace(":", "").replace("-", "")
        target = target / f"audit-checkpoint-{stamp}.json"
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        raise CheckpointError(f"{target} exists already: a checkpoint is never overwritten.") from None
    except OSError as error:
        raise CheckpointError(f"{target} cannot be created: {error.strerror}.") from None
    with os.fdopen(descriptor, "w") as handle:
        handle.write(checkpoint_text(statement))
        handle.flush()
        os.fsync(handle.fileno())
    return target


def checkpoint_directory() -> Path:
    configured = settings.PALERMO_AUDIT_CHECKPOINT_DIR
    if not configured:
        raise CheckpointError("Set PALERMO_AUDIT_CHECKPOINT_DIR to the directory that receives audit checkpoints.")
    directory = Path(configured)
    if not directory.exists() and not settings.PRODUCTION:
        directory.mkdir(mode=0o750, parents=True, exist_ok=True)
    # In production a missing directory is an error: an unmounted off-site store must not become a local one.
    if not directory.is_dir():
        raise CheckpointError(f"PALERMO_AUDIT_CHECKPOINT_DIR ({directory}) is not a directory.")
    return directory


@dataclass(frozen=True)
class Checkpoint:
    deployment: str
    made_at: str
    chains: list[ChainState]


def checkpoint_read(path: str | Path) -> Checkpoint:
    """The chains a checkpoint file states, once its form and its signature are checked."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CheckpointError(f"{path} cannot be read: {getattr(error, 'strerror', None) or error}.") from None
    try:
        statement = json.loads(text)
        states = _states_of(statement)
        signature = base64.b64decode(statement["signature"], validate=True)
        kind, _, raw_key = statement["public_key"].partition(":")
        if kind != "ed25519":
            raise ValueError("unknown key type")
        claimed_key = base64.b64decode(raw_key, validate=True)
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        raise CheckpointError(f"{path} is not a Palermo audit checkpoint ({FORMAT}).") from None
    if statement["public_key"] != public_key_text():
        raise CheckpointError(
            f"{path} is not signed with this deployment's checkpoint key ({public_key_text()}): it was made "
            "elsewhere, forged, or PALERMO_HMAC_KEY changed since."
        )
    try:
        Ed25519PublicKey.from_public_bytes(claimed_key).verify(signature, _signed_bytes(statement))
    except (InvalidSignature, ValueError):
        raise CheckpointError(f"{path}: the signature does not match its content: the file was edited.") from None
    return Checkpoint(deployment=str(statement["deployment"]), made_at=str(statement["made_at"]), chains=states)


def _states_of(statement: Any) -> list[ChainState]:
    if not isinstance(statement, dict) or statement.get("format") != FORMAT:
        raise ValueError("not a checkpoint")
    states = []
    for item in statement["chains"]:
        chain, organisation, length, head_hash = item["chain"], item["organisation"], item["length"], item["head_hash"]
        if not isinstance(chain, str) or not isinstance(head_hash, str) or not _HASH.fullmatch(head_hash):
            raise ValueError("bad chain")
        if type(length) is not int or length < 1 or not (organisation is None or type(organisation) is int):
            raise ValueError("bad chain")
        states.append(ChainState(chain, organisation, length, head_hash))
    return states


def compare_with_checkpoint(states: list[ChainState]) -> list[ChainReport]:
    """For each chain of the checkpoint: still there, no shorter, and the same entry where it ended."""
    wanted = Q(pk__in=[])
    for state in states:
        wanted |= Q(chain=state.chain, sequence=state.length)
    at_checkpoint = {
        (chain, sequence): digest
        for chain, sequence, digest in AuditEntry.objects.filter(wanted).values_list("chain", "sequence", "hash")
    }
    reports = []
    for state in states:
        current = _current_length(state.chain)
        if current == 0:
            problem: str | None = (
                f"chain missing, the checkpoint saw {state.length} entries: deleted since the checkpoint"
            )
        elif current < state.length:
            problem = f"{current} entries now, the checkpoint saw {state.length}: entries removed since the checkpoint"
        elif at_checkpoint.get((state.chain, state.length)) != state.head_hash:
            problem = f"entry #{state.length} differs from the checkpoint: chain rewritten since the checkpoint"
        else:
            problem = None
        reports.append(ChainReport(state.chain, state.length, current, problem))
    return reports
