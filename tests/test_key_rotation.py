"""Key rotation end to end: every encrypted record moves to the new key, the old key is dropped, and every
page and API endpoint that shows those records still answers with the right plaintext."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from PIL import Image

from palermo.assistance.models import RiskFactor
from palermo.cases.models import Case, CaseAttachment, Referral
from palermo.cases.services import case_attachment_add, case_note_add, case_open, legal_basis_record
from palermo.config import new_encryption_key
from palermo.encryption.fields import encrypted_fields
from palermo.identification.models import Screening
from palermo.identification.services import decision_record
from palermo.organisations.models import Membership, Organisation, Role
from palermo.people.services import person_create
from palermo.permissions import Actor, Channel
from palermo.reporting.models import Tip, TipPhoto
from palermo.reporting.conversions import tip_convert
from palermo.reporting.services import tip_forward, tip_reply
from palermo.worklist.models import Task
from tests.conftest import api_client, signed_in_client

NOTE = "Met her at the bus station; she is afraid of the landlord."
ATTACHMENT_TITLE = "Statement to the labour inspector"
LEGAL_NOTE = "Child protection duty under the youth welfare act."
REASONING = "Deceived about the job, documents withheld, debt imposed."
TIP_TEXT = "Six men sleep in a van behind the greenhouse on the east road."
TIP_REPLY = "Thank you: can you tell us which days the van is there?"
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
    actor = Actor(user=worker.user, membership=worker, channel=Channel.CLI)
    decider = _membership("decisions@valmora.test", "Valmora Social Services", Role.DECISION_MAKER)
    case = Case.objects.get(organisation=worker.organisation)
    case_note_add(actor=actor, case=case, text=NOTE)
    case_attachment_add(
        actor=actor,
        case=case,
        upload=SimpleUploadedFile("statement.png", _png(), content_type="image/png"),
        title=ATTACHMENT_TITLE,
    )
    decider_actor = Actor(user=decider.user, membership=decider, channel=Channel.CLI)
    screening = Screening.objects.get(organisation=decider.organisation)
    decision_record(
        actor=decider_actor,
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
    tip_reply(actor=actor, tip=tip, body=TIP_REPLY)
    inspectorate = Organisation.objects.get(name="Valmora Labour Inspectorate")
    tip_convert(
        actor=actor,
        tip=tip,
        kind="inspection_request",
        data={"target": inspectorate.pk, "place": PLACE, "scope": SCOPE},
    )
    Client().post("/report/en/", {"description": "A second report, to be forwarded."})
    forwarded = Tip.objects.exclude(pk=tip.pk).get()
    tip_forward(actor=actor, tip=forwarded, organisation_id=decider.organisation_id, note=FORWARD_NOTE)
    # A case of another organisation, so a legal basis can be recorded by a decision maker there.
    social_worker = _membership("caseworker@valmora.test", "Valmora Social Services", Role.CASE_WORKER)
    social_actor = Actor(user=social_worker.user, membership=social_worker, channel=Channel.CLI)
    other_case = case_open(actor=social_actor, person=person_create(actor=social_actor, given_names="Lin"))
    legal_basis_record(
        actor=decider_actor,
        case=other_case,
        purpose="law_enforcement",
        provision="Youth Welfare Act s. 8a",
        note=LEGAL_NOTE,
    )
    missing = [model._meta.label for model in encrypted_models() if not model._default_manager.exists()]
    assert missing == [], "build one of each encrypted record here, so rotation is tested on it"
    return {"worker": worker, "case": case, "tip": tip, "screening": screening, "decider": decider}


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
    factor = RiskFactor.objects.filter(assessment__case=case).exclude(note="").first() or RiskFactor.objects.first()
    task = Task.objects.filter(case=case).first() or Task.objects.first()

    pages = signed_in_client(worker)
    for url, expected in [
        (f"/cases/{case.pk}/", [NOTE, ATTACHMENT_TITLE, "Valmora"]),
        (f"/people/{person.pk}/", [person.given_names, person.family_name]),
        (f"/cases/{case.pk}/assistance/", [factor.label]),
        ("/tips/", []),
        (f"/tips/{tip.pk}/", [TIP_TEXT, TIP_REPLY]),
        ("/work/", [task.title]),
        ("/tips/inspections/", [PLACE, SCOPE]),
        ("/tips/forwarded/", [FORWARD_NOTE]),
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
        (f"/api/v1/cases/{case.pk}/consents", ["assistance"]),
        (f"/api/v1/cases/{case.pk}/plan", []),
        (f"/api/v1/cases/{case.pk}/risk-assessments", [factor.label]),
        (f"/api/v1/cases/{case.pk}/pathway", ["Valmora municipal police"]),
        (f"/api/v1/referrals/{referral.pk}", ["Needs help with a residence permit"]),
        ("/api/v1/work", [task.title]),
        (f"/api/v1/people/{person.pk}", [person.given_names]),
        (f"/api/v1/tips/{tip.pk}", [TIP_TEXT, TIP_REPLY]),
    ]:
        response = api.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        for text in expected:
            assert text in response.content.decode(), (url, text)

    decider = everything["decider"]
    screening_api = api_client(decider).get(f"/api/v1/screenings/{everything['screening'].pk}")
    assert screening_api.status_code == 200
    assert "Greenhouse, east road (fictional)" in screening_api.content.decode()
    legal = api_client(decider).get(f"/api/v1/cases/{Case.objects.exclude(pk=case.pk).get().pk}/legal-bases")
    assert legal.status_code == 200
    assert LEGAL_NOTE in legal.content.decode()
