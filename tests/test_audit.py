from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from palermo.audit.models import AppendOnlyError, AuditEntry
from palermo.audit.services import audit_verify
from palermo.organisations.models import Role
from palermo.people.services import person_create
from tests.conftest import acting_of, api_client, signed_in_client


@pytest.fixture
def worker(org_a, member):
    return member(Role.CASE_WORKER, org_a)


@pytest.mark.django_db
def test_reads_and_writes_of_a_person_are_audited_on_every_channel(worker):
    person = person_create(acting=acting_of(worker), given_names="Ilinca", family_name="Vornicu")
    signed_in_client(worker).get(f"/people/{person.pk}/")
    api_client(worker).get(f"/api/v1/persons/{person.pk}")
    signed_in_client(worker).get("/people/")
    entries = AuditEntry.objects.filter(organisation=worker.organisation).order_by("sequence")
    assert [(e.action, e.channel) for e in entries if e.action.startswith("person.")] == [
        ("person.create", "web"),
        ("person.view", "web"),
        ("person.view", "api"),
        ("person.list", "web"),
    ]
    view = entries.get(action="person.view", channel="api")
    assert (view.actor_id, view.membership_id, view.object_type, view.object_id) == (
        worker.user_id,
        worker.pk,
        "people.person",
        str(person.pk),
    )


@pytest.mark.django_db
def test_the_trail_never_holds_a_personal_value(worker):
    person = person_create(acting=acting_of(worker), given_names="Ilinca", family_name="Vornicu")
    api_client(worker).patch(
        f"/api/v1/persons/{person.pk}", {"given_names": "Ilinca", "family_name": "Vornicuță"}, format="json"
    )
    dump = json.dumps(list(AuditEntry.objects.values()), default=str)
    for value in ("Ilinca", "Vornicu", "Vornicuță"):
        assert value not in dump
    update = AuditEntry.objects.get(action="person.update")
    assert update.detail == {"fields": ["family_name"]}


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted_through_the_application(worker):
    person_create(acting=acting_of(worker), given_names="A")
    entry = AuditEntry.objects.first()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


@pytest.mark.django_db
def test_the_database_refuses_edits_too(worker):
    person_create(acting=acting_of(worker), given_names="A")
    with (
        pytest.raises(IntegrityError if connection.vendor == "sqlite" else Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditentry SET action = 'hidden'")


def _tamper(sql: str, params: list[object]) -> None:
    """What an attacker with database access does: lift the guard, then edit."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A database superuser can switch user triggers off for the transaction.
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")
        cursor.execute(sql, params)


@pytest.fixture
def trail(worker):
    for i in range(5):
        person_create(acting=acting_of(worker), given_names=f"P{i}")
    assert list(audit_verify()) == []
    return AuditEntry.objects.filter(organisation=worker.organisation).order_by("sequence")


@pytest.mark.django_db
def test_verify_reports_an_intact_trail(trail, capsys):
    call_command("audit", "verify")
    assert "Audit trail intact" in capsys.readouterr().out


@pytest.mark.django_db
def test_verify_catches_an_edited_entry(trail):
    target = trail[2]
    _tamper("UPDATE audit_auditentry SET action = 'person.list' WHERE id = %s", [target.pk])
    problems = list(audit_verify())
    assert [(p.chain, p.sequence, p.message) for p in problems] == [
        (target.chain, target.sequence, "content does not match its hash (edited)")
    ]
    with pytest.raises(CommandError, match="Audit trail altered: 1 problem"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_verify_catches_a_deleted_entry_in_the_middle(trail):
    target = trail[1]
    _tamper("DELETE FROM audit_auditentry WHERE id = %s", [target.pk])
    problems = list(audit_verify())
    assert len(problems) == 1
    assert "missing" in problems[0].message


@pytest.mark.django_db
def test_verify_catches_the_last_entry_deleted(trail):
    _tamper("DELETE FROM audit_auditentry WHERE id = %s", [trail.last().pk])
    problems = list(audit_verify())
    assert [p.message for p in problems] == ["last entries missing (chain head points past the end)"]


@pytest.mark.django_db
def test_verify_catches_a_rewritten_hash(trail):
    target = trail[3]
    _tamper("UPDATE audit_auditentry SET action = 'x', hash = %s WHERE id = %s", ["f" * 64, target.pk])
    assert list(audit_verify())


@pytest.mark.django_db
def test_chains_are_per_organisation(org_a, org_b, member):
    a, b = member(Role.CASE_WORKER, org_a), member(Role.CASE_WORKER, org_b)
    person_create(acting=acting_of(a), given_names="A")
    person_create(acting=acting_of(b), given_names="B")
    person_create(acting=acting_of(a), given_names="C")
    chain_a = list(AuditEntry.objects.filter(organisation=org_a).values_list("sequence", flat=True))
    assert chain_a == list(range(1, len(chain_a) + 1))
    assert list(audit_verify()) == []


def test_every_recorded_action_has_a_label_for_admins():
    import re
    from pathlib import Path

    from palermo.audit.models import ACTION_LABELS

    source = Path(__file__).resolve().parents[1] / "src" / "palermo"
    recorded = set()
    for path in source.rglob("*.py"):
        for block in re.findall(r"audit_record\((.*?)\)\n", path.read_text(), flags=re.S):
            recorded.update(re.findall(r'action="([a-z_.]+)"', block))
    assert recorded
    assert recorded <= set(ACTION_LABELS), recorded - set(ACTION_LABELS)


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs real concurrent transactions: the SQLite test database is one shared in-memory file, and"
    " its flush after a transactional test is refused by the append-only trigger; CI runs this on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_a_chain(org_a, member):
    """Eight threads append at once, to an existing chain and to a chain that has no entry yet."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from palermo.audit.services import audit_record
    from palermo.permissions import ActingUser

    worker = member(Role.CASE_WORKER, org_a)
    person_create(acting=acting_of(worker), given_names="Existing")  # org_a's chain exists; "system" does not

    def append(n: int) -> None:
        try:
            for i in range(10):
                audit_record(acting=acting_of(worker), action="person.view", detail={"n": n, "i": i})
                audit_record(acting=ActingUser.system(), action="audit.verify", organisation_id=None)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(append, range(8)))
    for chain in ("system", f"org:{org_a.pk}"):
        sequences = list(AuditEntry.objects.filter(chain=chain).order_by("sequence").values_list("sequence", flat=True))
        assert sequences == list(range(1, len(sequences) + 1))
    assert AuditEntry.objects.filter(chain="system").count() == 80
    assert list(audit_verify()) == []
