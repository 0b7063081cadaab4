"""Key rotation end to end: every encrypted record moves to the new key, the old key is dropped, and every
page and API endpoint that shows those records still answers with the right plaintext."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from PIL import Image

from palermo.accounts.services import recovery_code_digest, recovery_codes_generate
from palermo.assistance.services import plan_item_add
from palermo.audit.models import AuditEntry
from palermo.audit.services import audit_verify
from palermo.cases.models import Case, CaseAttachment, CaseNote
from palermo.cases.services import case_attachment_add, case_note_add, case_open
from palermo.config import new_encryption_key
from palermo.consent.services import consent_record, legal_basis_record
from palermo.encryption.fields import EncryptedFieldMixin, encrypted_fields
from palermo.encryption.rotation import encrypted_tables
from palermo.identification.models import Screening
from palermo.identification.services import decision_record
from palermo.organisations.models import Membership, Organisation, Role
from palermo.people.models import Person
from palermo.people.selectors import person_find_by_name, person_search
from palermo.people.services import person_create
from palermo.permissions import ActingUser, Channel
from palermo.referrals.models import Referral
from palermo.reporting.conversions import tip_convert
from palermo.reporting.models import Tip, TipPhoto, TipRoute
from palermo.reporting.selectors import tip_link_suggestions_for
from palermo.reporting.services import place_index, tip_for_receipt, tip_forward, tip_reply, tip_submit
from palermo.worklist.models import Task
from tests.conftest import acting_of, api_client, signed_in_client

NOTE = "Met her at the bus station; she is afraid of the landlord."
ATTACHMENT_TITLE = "Statement to the labour inspector"
LEGAL_NOTE = "Child protection duty under the youth welfare act."
REASONING = "Deceived about the job, documents withheld, debt imposed."
TIP_TEXT = "Six men sleep in a van behind the greenhouse on the east road."
TIP_REPLY = "Thank you: can you tell us which days the van is there?"
PLAN_NOTE = "Dental appointment needs an interpreter."
GUARDIAN = "Her aunt, Mira (fictional)"
PLACE = "Greenhouse 4, east road"
SCOPE = "Working hours and housing of the seasonal workers."
FORWARD_NOTE = "Their outreach team knows the area."


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def _membership(email: str, organisation: str, role: str) -> Membership:
    return Membership.objects.get(user__email=email, organisation__name=organisation, role=role)


def encrypted_models() -> list[type]:
    return [model for model in apps.get_models() if encrypted_fields(model)]


@pytest.fixture
def everything(db, settings):
    """The demo municipality, plus one of each encrypted record the demo does not make."""
    cache.clear()
    call_command("demo", verbosity=0)
    worker = _membership("caseworker@valmora.test", "Safe Harbour Valmora", Role.CASE_WORKER)
    acting = ActingUser(user=worker.user, membership=worker, channel=Channel.CLI)
    decider = _membership("decisions@valmora.test", "Valmora Social Services", Role.DECISION_MAKER)
    case = Case.objects.get(organisation=worker.organisation)
    case_note_add(acting=acting, case=case, text=NOTE)
    plan_item_add(acting=acting, case=case, service="medical", notes=PLAN_NOTE)
    consent_record(
        acting=acting,
        case=case,
        purpose="statistics",
        status="given",
        informed_language="en",
        informed_how="written",
        guardian=GUARDIAN,
    )
    case_attachment_add(
        acting=acting,
        case=case,
        upload=SimpleUploadedFile("statement.png", _png(), content_type="image/png"),
        title=ATTACHMENT_TITLE,
    )
    decider_actor = ActingUser(user=decider.user, membership=decider, channel=Channel.CLI)
    screening = Screening.objects.get(organisation=decider.organisation)
    decision_record(
        acting=decider_actor,
        screening=screening,
        stage="reasonable_grounds",
        result="positive",
        decided_on=timezone.localdate(),
        reasoning=REASONING,
    )
    sent = Client().post(
        "/report/en/",
        {"description": TIP_TEXT, "photos": [SimpleUploadedFile("van.png", _png(), content_type="image/png")]},
    )
    assert sent.status_code == 200
    tip = Tip.objects.get()
    tip_reply(acting=acting, tip=tip, body=TIP_REPLY)
    inspectorate = Organisation.objects.get(name="Valmora Labour Inspectorate")
    tip_convert(
        acting=acting,
        tip=tip,
        kind="inspection_request",
        data={"target": inspectorate.pk, "place": PLACE, "scope": SCOPE},
    )
    Client().post("/report/en/", {"description": "A second report, to be forwarded."})
    forwarded = Tip.objects.exclude(pk=tip.pk).get()
    tip_forward(acting=acting, tip=forwarded, organisation_id=decider.organisation_id, note=FORWARD_NOTE)
    # A case of another organisation, so a legal basis can be recorded by a decision maker there.
    social_worker = _membership("caseworker@valmora.test", "Valmora Social Services", Role.CASE_WORKER)
    social_actor = ActingUser(user=social_worker.user, membership=social_worker, channel=Channel.CLI)
    other_case = case_open(acting=social_actor, person=person_create(acting=social_actor, given_names="Lin"))
    legal_basis_record(
        acting=decider_actor,
        case=other_case,
        purpose="law_enforcement",
        provision="Youth Welfare Act s. 8a",
        note=LEGAL_NOTE,
    )
    missing = [model._meta.label for model in encrypted_models() if not model._default_manager.exists()]
    assert missing == [], "build one of each encrypted record here, so rotation is tested on it"
    return {
        "worker": worker,
        "case": case,
        "tip": tip,
        "screening": screening,
        "decider": decider,
        "forwarded": forwarded,
        "social_worker": social_worker,
    }


def _key_ids_in_use() -> set[str]:
    used: set[str] = set()
    with connection.cursor() as cursor:
        for model in encrypted_models():
            for field in encrypted_fields(model):
                column = connection.ops.quote_name(field.column)
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")  # noqa: S608
                used.update(value.split(":")[1] for (value,) in cursor.fetchall())
    return used


@pytest.mark.django_db
def test_after_rotation_and_dropping_the_old_key_every_page_and_endpoint_reads_the_same(everything, settings, capsys):
    old_id = settings.PALERMO_ENCRYPTION_KEYS.split(":")[0]
    assert _key_ids_in_use() == {old_id}
    settings.PALERMO_ENCRYPTION_KEYS = new_encryption_key("k9") + "," + settings.PALERMO_ENCRYPTION_KEYS

    call_command("rotate_keys")

    assert _key_ids_in_use() == {"k9"}
    settings.PALERMO_ENCRYPTION_KEYS = settings.PALERMO_ENCRYPTION_KEYS.split(",")[0]
    worker, case, tip = everything["worker"], everything["case"], everything["tip"]
    person = case.person
    referral = Referral.objects.get(case=case)
    photo = TipPhoto.objects.get(tip=tip)
    attachment = CaseAttachment.objects.get(case=case)
    risk_note = "The recruiter has asked about her at the bus station (fictional)."
    task = Task.objects.get()

    pages = signed_in_client(worker)
    for url, expected in [
        (f"/cases/{case.pk}/", [NOTE, ATTACHMENT_TITLE, "Valmora"]),
        (f"/people/{person.pk}/", [person.given_names, person.family_name]),
        (f"/cases/{case.pk}/assistance/", [risk_note]),
        ("/tips/", []),
        (f"/tips/{tip.pk}/", [TIP_TEXT, TIP_REPLY]),
        ("/work/", [task.title]),
        ("/tips/inspections/", [PLACE, SCOPE]),
    ]:
        response = pages.get(url)
        assert response.status_code == 200, url
        for text in expected:
            assert text in response.content.decode(), (url, text)
    assert pages.get(f"/tips/{tip.pk}/photos/{photo.pk}/").status_code == 200
    assert pages.get(f"/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 200

    api = api_client(worker)
    for url, expected in [
        (f"/api/v1/cases/{case.pk}", ["Valmora"]),
        (f"/api/v1/cases/{case.pk}/notes", [NOTE]),
        (f"/api/v1/cases/{case.pk}/attachments", [ATTACHMENT_TITLE]),
        (f"/api/v1/cases/{case.pk}/consents", [GUARDIAN]),
        (f"/api/v1/cases/{case.pk}/plan", [PLAN_NOTE]),
        (f"/api/v1/cases/{case.pk}/risk-assessments", [risk_note]),
        (f"/api/v1/cases/{case.pk}/pathway", ["Valmora municipal police"]),
        (f"/api/v1/referrals/{referral.pk}", ["Needs help with a residence permit"]),
        ("/api/v1/work", [task.title]),
        (f"/api/v1/persons/{person.pk}", [person.given_names]),
        (f"/api/v1/tips/{tip.pk}", [TIP_TEXT, TIP_REPLY]),
    ]:
        response = api.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        for text in expected:
            assert text in response.content.decode(), (url, text)

    forwarded = signed_in_client(everything["social_worker"]).get(f"/tips/{everything['forwarded'].pk}/")
    assert forwarded.status_code == 200
    assert FORWARD_NOTE in forwarded.content.decode()
    decider = everything["decider"]
    screening_api = api_client(decider).get(f"/api/v1/screenings/{everything['screening'].pk}")
    assert screening_api.status_code == 200
    assert "Greenhouse, east road (fictional)" in screening_api.content.decode()
    legal = api_client(decider).get(f"/api/v1/cases/{Case.objects.exclude(pk=case.pk).get().pk}/legal-bases")
    assert legal.status_code == 200
    assert LEGAL_NOTE in legal.content.decode()


def test_every_encrypted_column_of_every_model_is_covered_by_rotation_and_check():
    declared = {
        (model._meta.db_table, field.column)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedFieldMixin)
    }
    covered = {(table.model._meta.db_table, field.column) for table in encrypted_tables() for field in table.fields}
    assert declared == covered
    assert ("cases_casenote", "text") in covered
    assert ("reporting_tipphoto", "content") in covered


@pytest.fixture
def worker(org_a, member):
    return member(Role.CASE_WORKER, org_a)


def _values_per_key() -> dict[str, int]:
    """Counted the slow way, through the ORM and the raw columns, to check what --check reports."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for model in encrypted_models():
            for field in encrypted_fields(model):
                column = connection.ops.quote_name(field.column)
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")  # noqa: S608
                for (value,) in cursor.fetchall():
                    key_id = value.split(":")[1]
                    counts[key_id] = counts.get(key_id, 0) + 1
    return counts


@pytest.mark.django_db
def test_an_interrupted_rotation_resumes_and_a_finished_one_does_nothing(worker, settings, capsys):
    acting = acting_of(worker)
    people = [person_create(acting=acting, given_names=f"Name{i}", family_name="Rot") for i in range(5)]
    old = settings.PALERMO_ENCRYPTION_KEYS.split(":")[0]
    values = _values_per_key()[old]
    per_person = values // 5
    settings.PALERMO_ENCRYPTION_KEYS = new_encryption_key("k9") + "," + settings.PALERMO_ENCRYPTION_KEYS

    call_command("rotate_keys", "--batch-size", "2", "--limit", "3")

    out = capsys.readouterr().out
    assert "people.Person: 2/5 rows re-encrypted\npeople.Person: 3/5 rows re-encrypted\n" in out
    assert "Stopped after 3 rows (--limit): run `palermo rotate-keys` again to finish." in out
    assert _values_per_key() == {"k9": 3 * per_person, old: 2 * per_person}
    with pytest.raises(CommandError) as refused:
        call_command("rotate_keys", "--check")
    assert refused.value.returncode == 1
    assert str(refused.value) == f"{2 * per_person} values still use a key other than 'k9': run `palermo rotate-keys`."
    out = capsys.readouterr().out
    assert f"key 'k9' (primary): {3 * per_person} values\nkey '{old}' (old): {2 * per_person} values\n" in out
    assert f"  people.Person: {2 * per_person} values to re-encrypt" in out

    call_command("rotate_keys", "--batch-size", "2")

    out = capsys.readouterr().out
    assert "people.Person: 2/2 rows re-encrypted\n" in out
    assert "Done: 2 rows now use key 'k9'." in out
    assert _values_per_key() == {"k9": 5 * per_person}
    call_command("rotate_keys", "--check")
    out = capsys.readouterr().out
    assert f"key 'k9' (primary): {5 * per_person} values\nkey '{old}' (old): 0 values\n" in out
    assert "Every value uses key 'k9': the other keys can be removed." in out

    call_command("rotate_keys")

    out = capsys.readouterr().out
    assert out == "Done: 0 rows now use key 'k9'; every value already used it, nothing changed.\n"
    settings.PALERMO_ENCRYPTION_KEYS = settings.PALERMO_ENCRYPTION_KEYS.split(",")[0]
    assert sorted(p.given_names for p in Person.objects.all()) == [p.given_names for p in people]
    rotated = AuditEntry.objects.filter(action="encryption.rotate").order_by("sequence")
    assert [e.detail for e in rotated] == [
        {"model": "people.person", "rows": 2, "key": "k9"},
        {"model": "people.person", "rows": 1, "key": "k9"},
        {"model": "people.person", "rows": 2, "key": "k9"},
    ]
    runs = AuditEntry.objects.filter(action="encryption.rotate_run").order_by("sequence")
    assert [e.detail for e in runs] == [
        {"key": "k9", "rows": 3, "complete": False},
        {"key": "k9", "rows": 2, "complete": True},
        {"key": "k9", "rows": 0, "complete": True},
    ]


@pytest.mark.django_db
def test_case_notes_stay_append_only_but_are_re_encrypted(worker, settings, capsys):
    acting = acting_of(worker)
    case = case_open(acting=acting, person=person_create(acting=acting, given_names="Ana"))
    note = case_note_add(acting=acting, case=case, text=NOTE)
    stored = _raw("cases_casenote", "text", note.pk)

    note.text = "A rewritten note"
    with pytest.raises(ValueError, match=r"cases\.CaseNote is append-only"):
        note.save()
    with pytest.raises(ValueError, match=r"cases\.CaseNote is append-only"):
        CaseNote.objects.filter(pk=note.pk).update(text="A rewritten note")
    with pytest.raises(ValueError, match=r"cases\.CaseNote is append-only"):
        CaseNote.objects.filter(pk=note.pk).delete()
    assert _raw("cases_casenote", "text", note.pk) == stored

    settings.PALERMO_ENCRYPTION_KEYS = new_encryption_key("k9") + "," + settings.PALERMO_ENCRYPTION_KEYS
    call_command("rotate_keys")

    assert "cases.CaseNote: 1/1 rows re-encrypted" in capsys.readouterr().out
    assert _raw("cases_casenote", "text", note.pk).startswith("pe1:k9:")
    settings.PALERMO_ENCRYPTION_KEYS = settings.PALERMO_ENCRYPTION_KEYS.split(",")[0]
    again = CaseNote.objects.get(pk=note.pk)
    assert (again.text, again.created_at, again.author_id) == (NOTE, note.created_at, note.author_id)


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_value_under_a_key_no_longer_configured_is_reported_and_nothing_is_lost(worker, settings, capsys):
    acting = acting_of(worker)
    person = person_create(acting=acting, given_names="Ana", family_name="Lost")
    old_keys = settings.PALERMO_ENCRYPTION_KEYS
    stored = _raw("people_person", "family_name", person.pk)
    # The operator dropped the old key too early.
    settings.PALERMO_ENCRYPTION_KEYS = new_encryption_key("k9")

    with pytest.raises(CommandError) as refused:
        call_command("rotate_keys", "--check")
    assert refused.value.returncode == 1
    out = capsys.readouterr().out
    old = old_keys.split(":")[0]
    assert f"key {old!r} (not configured, cannot be read): " in out
    with pytest.raises(CommandError, match=rf"people.Person #{person.pk}, field 'given_names': no key '{old}'"):
        call_command("rotate_keys")
    assert "Ana" not in capsys.readouterr().out
    assert _raw("people_person", "family_name", person.pk) == stored

    settings.PALERMO_ENCRYPTION_KEYS = new_encryption_key("k9") + "," + old_keys
    call_command("rotate_keys")
    settings.PALERMO_ENCRYPTION_KEYS = settings.PALERMO_ENCRYPTION_KEYS.split(",")[0]
    assert Person.objects.get(pk=person.pk).family_name == "Lost"


@pytest.mark.django_db
def test_a_new_hmac_key_rebuilds_search_and_keeps_the_audit_chain_receipts_and_recovery_codes(worker, settings, capsys):
    cache.clear()
    acting = acting_of(worker)
    person = person_create(acting=acting, given_names="Olena", family_name="Petrenko")
    TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=worker.organisation)
    first = tip_submit(data={"description": "Vans at night", "location": "Old Mill Road 4"}, language="en")
    second = tip_submit(data={"description": "Again the vans", "location": "old mill road 4"}, language="en")
    codes = recovery_codes_generate(user=worker.user)
    # The operator's procedure (docs/key-rotation.md): pin the record key to the current value, then
    # put the new search key in place and rebuild the search indexes.
    settings.PALERMO_RECORD_HMAC_KEY = settings.PALERMO_HMAC_KEY
    settings.PALERMO_HMAC_KEY = "a-new-key-after-a-suspected-leak-0123456789"
    assert person_search(acting=acting, query="Olena Petrenko") == []

    call_command("people", "reindex")
    call_command("tips", "index-places", "--all")

    assert "2 tips indexed by place." in capsys.readouterr().out
    assert person_search(acting=acting, query="Olena Petrenko")[0] == person
    assert list(person_find_by_name(acting=acting, full_name="olena petrenko")) == [person]
    first.tip.refresh_from_db()
    assert first.tip.place_index == place_index("Old Mill Road 4")
    assert tip_link_suggestions_for(acting=acting, tip=first.tip) == [second.tip]
    assert list(audit_verify()) == []
    assert tip_for_receipt(first.receipt) == first.tip
    assert StaticDevice.objects.get(user=worker.user).verify_token(recovery_code_digest(codes[0]))


@pytest.mark.django_db
def test_without_the_record_key_pinned_a_new_hmac_key_breaks_the_audit_chain(worker, settings):
    """Why the procedure pins PALERMO_RECORD_HMAC_KEY first: the chain cannot be re-keyed afterwards."""
    person_create(acting=acting_of(worker), given_names="Olena")
    settings.PALERMO_HMAC_KEY = "a-new-key-after-a-suspected-leak-0123456789"
    assert {problem.message for problem in audit_verify()} == {"content does not match its hash (edited)"}
