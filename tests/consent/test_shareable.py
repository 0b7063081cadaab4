"""Every shareable field is written in one list (consent/shareable.py), with its label, and the API
documents exactly those codes; the models kept the tables and labels their data was stored under."""

from __future__ import annotations

import json
import re

from django.db import connection
from django.utils import translation

from palermo.audit.models import AuditEntry
from palermo.consent.api import ConsentInput
from palermo.consent.forms import ConsentForm
from palermo.consent.models import Consent, LegalBasis
from palermo.consent.services import consent_record
from palermo.consent.shareable import SHAREABLE_FIELDS, SUBFIELD_LABELS, shareable_label
from palermo.referrals.models import Referral
from tests.cases.conftest import World
from tests.conftest import acting_of, signed_in_client

PERSON = ["names", "date_of_birth", "sex_gender", "citizenships", "languages", "safe_contact", "residence_status"]
CASE = ["dependants", "exploitation", "trafficking_status", "identification"]
ASSISTANCE = ["risk", "assistance_plan"]


def test_the_list_names_every_field_in_form_order_with_a_label() -> None:
    assert list(SHAREABLE_FIELDS) == PERSON + CASE + ASSISTANCE
    assert all(shareable_label(code) not in ("", code) for code in SHAREABLE_FIELDS)
    with translation.override("fr"):
        assert shareable_label("names") == "Noms"


def test_the_api_documents_the_same_codes() -> None:
    text = str(ConsentInput().fields["fields"].help_text)
    assert re.findall(r"[a-z_]+(?=[,.])", text.split(":", 1)[1]) == list(SHAREABLE_FIELDS)


def test_every_field_reads_a_case_as_json_with_labelled_subfields(world: World) -> None:
    for code, field in SHAREABLE_FIELDS.items():
        value = field.getter(world.case)
        json.dumps(value)
        for key in value if isinstance(value, dict) else []:
            assert key in SUBFIELD_LABELS, (code, key)


def test_the_consent_form_offers_the_list(world: World) -> None:
    form = ConsentForm(recipients=[])
    assert [code for code, _label in form.fields["shared_fields"].choices] == list(SHAREABLE_FIELDS)  # type: ignore[attr-defined]
    page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/consents/new/").content.decode()
    assert "Risk level and review date" in page


def test_the_moved_models_keep_their_tables_and_the_label_of_their_data(world: World) -> None:
    """Consents, legal bases and referrals moved out of `cases`: their rows stayed where they were, values
    encrypted before the move still decrypt (the label is part of each ciphertext's context), and the
    audit trail of a record keeps one object type."""
    assert (Consent._meta.db_table, LegalBasis._meta.db_table, Referral._meta.db_table) == (
        "cases_consent",
        "cases_legalbasis",
        "cases_referral",
    )
    consent = consent_record(
        acting=acting_of(world.worker_a),
        case=world.case,
        purpose="assistance",
        status="given",
        informed_language="en",
        informed_how="oral",
        guardian="Aunt Velda",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT guardian FROM cases_consent WHERE id = %s", [consent.pk])
        stored = cursor.fetchone()[0]
    from palermo.encryption.keyring import keyring

    assert keyring().decrypt(stored, "cases.consent.guardian") == "Aunt Velda"
    assert AuditEntry.objects.get(action="consent.record").object_type == "cases.consent"
