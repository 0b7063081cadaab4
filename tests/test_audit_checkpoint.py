"""Checkpoints that leave the database: rolling the trail back is caught against a signed statement.

Every attack here passes plain `palermo audit verify` (the chain left behind is consistent); the
checkpoint written before the attack is what catches it.
"""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from palermo.audit.models import AuditEntry
from palermo.audit.services import audit_record, audit_verify
from palermo.organisations.models import Role
from palermo.people.services import person_create
from palermo.permissions import ActingUser
from tests.conftest import acting_of


def _tamper(sql: str, params: list[object]) -> None:
    """What an attacker with database access does: lift the guard, then edit."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        cursor.execute(sql, params)


def _signed_part(statement: dict[str, object]) -> bytes:
    # The signed bytes, as docs/audit-checkpoints.md defines them for a verifier outside Palermo.
    unsigned = {key: value for key, value in statement.items() if key != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


@pytest.fixture
def worker(org_a, member):
    return member(Role.CASE_WORKER, org_a)


@pytest.fixture
def other(org_b, member):
    return member(Role.CASE_WORKER, org_b)


@pytest.fixture
def trail(worker, other):
    """Two organisations' chains and the system chain, all intact."""
    for i in range(5):
        person_create(acting=acting_of(worker), given_names=f"P{i}")
    person_create(acting=acting_of(other), given_names="Q")
    audit_record(acting=ActingUser.system(), action="organisation.create", organisation_id=None)
    assert list(audit_verify()) == []


def _checkpoint(directory: Path) -> Path:
    before = set(directory.iterdir())
    call_command("audit", "checkpoint", "--output", str(directory))
    (made,) = set(directory.iterdir()) - before
    return made


def _last(chain: str) -> AuditEntry:
    return AuditEntry.objects.filter(chain=chain).order_by("-sequence").first()  # type: ignore[return-value]


def _verify_since(path: Path) -> tuple[str, str, CommandError | None]:
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", "--since-checkpoint", str(path), stdout=out, stderr=err)
    except CommandError as failure:
        return out.getvalue(), err.getvalue(), failure
    return out.getvalue(), err.getvalue(), None


@pytest.mark.django_db
def test_a_checkpoint_states_every_chain_signed_in_a_new_read_only_file(trail, worker, other, tmp_path, settings):
    settings.PALERMO_DEPLOYMENT_NAME = "palermo.example.org"
    made = _checkpoint(tmp_path)
    assert made.name.startswith("audit-checkpoint-")
    assert made.name.endswith(".json")
    assert stat.S_IMODE(made.stat().st_mode) == 0o440
    statement = json.loads(made.read_text())
    assert set(statement) == {"format", "deployment", "made_at", "public_key", "chains", "signature"}
    assert statement["format"] == "palermo-audit-checkpoint/1"
    assert statement["deployment"] == "palermo.example.org"
    chain_a, chain_b = f"org:{worker.organisation_id}", f"org:{other.organisation_id}"
    assert statement["chains"] == sorted(
        [
            {"chain": chain_a, "organisation": worker.organisation_id, "length": 5, "head_hash": _last(chain_a).hash},
            {"chain": chain_b, "organisation": other.organisation_id, "length": 1, "head_hash": _last(chain_b).hash},
            {"chain": "system", "organisation": None, "length": 1, "head_hash": _last("system").hash},
        ],
        key=lambda chain: chain["chain"],
    )
    # Anyone holding the public key checks the signature: no secret needed.
    kind, _, raw = statement["public_key"].partition(":")
    assert kind == "ed25519"
    Ed25519PublicKey.from_public_bytes(base64.b64decode(raw)).verify(
        base64.b64decode(statement["signature"]), _signed_part(statement)
    )


@pytest.mark.django_db
def test_a_checkpoint_never_overwrites_a_file(trail, tmp_path):
    target = tmp_path / "taken.json"
    target.write_text("earlier checkpoint")
    with pytest.raises(CommandError, match="exists already"):
        call_command("audit", "checkpoint", "--output", str(target))
    assert target.read_text() == "earlier checkpoint"


@pytest.mark.django_db
def test_a_chain_that_only_grew_since_the_checkpoint_passes(trail, worker, tmp_path):
    made = _checkpoint(tmp_path)
    person_create(acting=acting_of(worker), given_names="Later")
    out, err, failure = _verify_since(made)
    assert failure is None, err
    chain_a = f"org:{worker.organisation_id}"
    assert f"{chain_a}: intact, 5 entries at the checkpoint, 6 now" in out
    assert "system: intact, 1 entries at the checkpoint, 1 now" in out


@pytest.mark.django_db
def test_deleting_the_last_entries_and_rewinding_the_head_is_caught(trail, worker, tmp_path):
    made = _checkpoint(tmp_path)
    chain = f"org:{worker.organisation_id}"
    keep = AuditEntry.objects.get(chain=chain, sequence=3)
    _tamper("DELETE FROM audit_auditentry WHERE chain = %s AND sequence > 3", [chain])
    _tamper("UPDATE audit_auditchainhead SET sequence = 3, hash = %s WHERE chain = %s", [keep.hash, chain])
    assert list(audit_verify()) == []  # the attack passes plain verify
    call_command("audit", "verify")
    out, err, failure = _verify_since(made)
    assert failure is not None
    assert "rolled back or altered since the checkpoint: 1 problem" in str(failure)
    assert f"{chain}: 3 entries now, the checkpoint saw 5: entries removed since the checkpoint" in err
    assert "system: intact" in out


@pytest.mark.django_db
def test_rewinding_then_appending_back_to_the_same_length_is_caught(trail, worker, tmp_path):
    made = _checkpoint(tmp_path)
    chain = f"org:{worker.organisation_id}"
    keep = AuditEntry.objects.get(chain=chain, sequence=3)
    _tamper("DELETE FROM audit_auditentry WHERE chain = %s AND sequence > 3", [chain])
    _tamper("UPDATE audit_auditchainhead SET sequence = 3, hash = %s WHERE chain = %s", [keep.hash, chain])
    for _ in range(3):
        audit_record(acting=acting_of(worker), action="person.list")
    assert list(audit_verify()) == []
    out, err, failure = _verify_since(made)
    assert failure is not None
    assert f"{chain}: entry #5 differs from the checkpoint: chain rewritten since the checkpoint" in err
    assert f"{chain}: intact" not in out


@pytest.mark.django_db
def test_deleting_an_organisations_whole_chain_is_caught(trail, worker, tmp_path):
    made = _checkpoint(tmp_path)
    chain = f"org:{worker.organisation_id}"
    _tamper("DELETE FROM audit_auditentry WHERE chain = %s", [chain])
    _tamper("DELETE FROM audit_auditchainhead WHERE chain = %s", [chain])
    assert list(audit_verify()) == []
    out, err, failure = _verify_since(made)
    assert failure is not None
    assert f"{chain}: chain missing, the checkpoint saw 5 entries: deleted since the checkpoint" in err
    assert f"{chain}: intact" not in out


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="TRUNCATE is PostgreSQL's; SQLite has none (its DELETE without WHERE fires the append-only trigger)",
)
@pytest.mark.django_db
def test_truncating_the_trail_on_postgresql_is_caught(trail, worker, other, tmp_path):
    made = _checkpoint(tmp_path)
    with connection.cursor() as cursor:
        # The test's own inserts leave deferred foreign-key checks pending, which TRUNCATE refuses.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Row triggers do not fire on TRUNCATE: the append-only guard never sees it.
        cursor.execute("TRUNCATE audit_auditentry, audit_auditchainhead")
    assert AuditEntry.objects.count() == 0
    assert list(audit_verify()) == []
    out, err, failure = _verify_since(made)
    assert failure is not None
    assert "3 problem" in str(failure)
    assert out == ""
    for chain, length in ((f"org:{worker.organisation_id}", 5), (f"org:{other.organisation_id}", 1), ("system", 1)):
        assert f"{chain}: chain missing, the checkpoint saw {length} entries: deleted since the checkpoint" in err


@pytest.mark.django_db
def test_an_edited_checkpoint_is_refused(trail, worker, tmp_path):
    made = _checkpoint(tmp_path)
    statement = json.loads(made.read_text())
    for chain in statement["chains"]:
        chain["length"] = 2  # hide a later rollback
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(statement))
    out, err, failure = _verify_since(edited)
    assert failure is not None
    assert "signature does not match" in str(failure)
    assert (out, err) == ("", "")  # refused before anything was compared


@pytest.mark.django_db
def test_a_checkpoint_signed_with_another_key_is_refused(trail, worker, tmp_path):
    made = _checkpoint(tmp_path)
    statement = json.loads(made.read_text())
    statement["chains"] = []  # a forger would claim there was nothing to protect
    forger = Ed25519PrivateKey.generate()
    statement["public_key"] = "ed25519:" + base64.b64encode(forger.public_key().public_bytes_raw()).decode()
    statement["signature"] = base64.b64encode(forger.sign(_signed_part(statement))).decode()
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(statement))
    out, err, failure = _verify_since(forged)
    assert failure is not None
    assert "not signed with this deployment's checkpoint key" in str(failure)
    assert (out, err) == ("", "")


@pytest.mark.django_db
def test_a_file_that_is_no_checkpoint_gets_a_clear_error(trail, tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    out, err, failure = _verify_since(junk)
    assert failure is not None
    assert "is not a Palermo audit checkpoint" in str(failure)
    assert (out, err) == ("", "")
    out, err, failure = _verify_since(tmp_path / "absent.json")
    assert failure is not None
    assert "cannot be read" in str(failure)
    assert (out, err) == ("", "")


@pytest.mark.django_db
def test_the_periodic_task_writes_a_valid_checkpoint_to_the_configured_directory(trail, worker, tmp_path, settings):
    from django_tasks.base import TaskResultStatus

    from palermo.audit.tasks import audit_checkpoint

    settings.PALERMO_AUDIT_CHECKPOINT_DIR = str(tmp_path)
    result = audit_checkpoint.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    (made,) = tmp_path.iterdir()
    assert result.return_value == str(made)
    out, err, failure = _verify_since(made)
    assert failure is None, err
    assert f"org:{worker.organisation_id}: intact, 5 entries at the checkpoint, 5 now" in out


@pytest.mark.django_db
def test_the_checkpoint_command_without_output_queues_the_task(trail, tmp_path, settings, capsys):
    settings.PALERMO_AUDIT_CHECKPOINT_DIR = str(tmp_path)
    call_command("audit", "checkpoint")
    (made,) = tmp_path.iterdir()
    assert f"Audit checkpoint written: {made}" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_task_refuses_to_run_without_a_directory(trail, settings):
    settings.PALERMO_AUDIT_CHECKPOINT_DIR = ""
    with pytest.raises(CommandError, match="PALERMO_AUDIT_CHECKPOINT_DIR"):
        call_command("audit", "checkpoint")
