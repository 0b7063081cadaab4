"""The recipient of a referral sees only what the consent covers, on the page, in the API and in the PDF,
and nothing at all once the consent is withdrawn; every shared read is in the audit trail."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from palermo.audit.models import AuditEntry
from palermo.cases.services import case_note_add
from palermo.consent.services import consent_withdraw
from palermo.referrals.models import Referral
from palermo.referrals.services import referral_send
from palermo.worklist.items import work_items_for
from tests.cases.conftest import BIRTH, FAMILY_NAME, SHARED_PLACE, World, give_referral_consent
from tests.conftest import acting_of, api_client, nothing_changes, signed_in_client

NOTE = "Hides at her cousin's flat near the Orvell bakery"
# Every way the date of birth could show: ISO, and the English long formats Django uses.
BIRTH_FORMS = [BIRTH.isoformat(), "17 March 1994", "March 17, 1994", "1994"]


def _unshared_values_absent(text: str) -> None:
    assert FAMILY_NAME not in text
    assert "Zoravelle" not in text
    for form in BIRTH_FORMS:
        assert form not in text
    assert NOTE not in text


@pytest.fixture
def referral(world: World) -> Referral:
    give_referral_consent(world, ["languages", "exploitation"], ["shelter", "medical"])
    case_note_add(acting=acting_of(world.worker_a), case=world.case, text=NOTE)
    return referral_send(
        acting=acting_of(world.worker_a),
        case=world.case,
        to_organisation=world.org_b,
        services=["shelter"],
        note="Arrives Tuesday by train; needs a bed.",
    )


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_recipient_page_shows_only_consented_fields(world: World, referral: Referral) -> None:
    response = signed_in_client(world.worker_b).get(f"/referrals/{referral.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert SHARED_PLACE in html
    assert "Arrives Tuesday by train" in html
    assert "Forced labour" in html
    _unshared_values_absent(html)


def test_recipient_api_shows_only_consented_fields(world: World, referral: Referral) -> None:
    response = api_client(world.worker_b).get(f"/api/v1/referrals/{referral.pk}")
    assert response.status_code == 200
    body = response.json()
    assert set(body["shared"]) == {"languages", "exploitation"}
    assert body["shared"]["exploitation"]["exploitation_locality"] == SHARED_PLACE
    assert "fields" not in body
    assert "case" not in body
    _unshared_values_absent(response.content.decode())


def test_recipient_pdf_holds_only_consented_fields(world: World, referral: Referral) -> None:
    client = signed_in_client(world.worker_b)
    response = client.get(f"/referrals/{referral.pk}/summary.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert SHARED_PLACE in text
    _unshared_values_absent(text)
    printable = client.get(f"/referrals/{referral.pk}/summary/").content.decode()
    assert SHARED_PLACE in printable
    _unshared_values_absent(printable)


def test_names_and_birth_date_cross_when_the_consent_names_them(world: World) -> None:
    give_referral_consent(world, ["names", "date_of_birth"], ["shelter"])
    referral = referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
    body = api_client(world.worker_b).get(f"/api/v1/referrals/{referral.pk}").json()
    assert body["shared"]["names"]["family_name"] == FAMILY_NAME
    assert body["shared"]["date_of_birth"]["date_of_birth"] == BIRTH.isoformat()
    assert SHARED_PLACE not in str(body)


def test_withdrawal_ends_the_recipients_access_everywhere(world: World, referral: Referral) -> None:
    browser, api = signed_in_client(world.worker_b), api_client(world.worker_b)
    assert browser.get(f"/referrals/{referral.pk}/").status_code == 200
    consent_withdraw(acting=acting_of(world.worker_a), consent=referral.consent)  # type: ignore[arg-type]

    with nothing_changes():  # no shared read audited, no acceptance
        assert browser.get(f"/referrals/{referral.pk}/").status_code == 404
        assert browser.get(f"/referrals/{referral.pk}/summary/").status_code == 404
        assert browser.get(f"/referrals/{referral.pk}/summary.pdf").status_code == 404
        assert api.get(f"/api/v1/referrals/{referral.pk}").status_code == 404
        assert api.post(f"/api/v1/referrals/{referral.pk}/accept").status_code == 404
    assert str(referral.pk) not in str(api.get("/api/v1/referrals").json()["results"])
    assert f"/referrals/{referral.pk}/" not in browser.get("/referrals/").content.decode()
    assert work_items_for(acting_of(world.worker_b)) == []
    assert work_items_for(acting_of(world.worker_a)) == []
    sender_page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/").content.decode()
    assert "Consent withdrawn: the organisation no longer sees anything." in sender_page
    # What was shared before stays in the audit trail, with the field codes.
    shared = AuditEntry.objects.filter(action="referral.shared_view", object_id=str(referral.pk))
    assert shared.count() == 1
    assert shared.get().detail == {"fields": ["languages", "exploitation"]}
    assert shared.get().organisation_id == world.org_b.pk


def test_every_shared_read_is_audited_with_its_field_codes(world: World, referral: Referral) -> None:
    signed_in_client(world.worker_b).get(f"/referrals/{referral.pk}/summary.pdf")
    api_client(world.worker_b).get(f"/api/v1/referrals/{referral.pk}")
    entries = AuditEntry.objects.filter(action="referral.shared_view", organisation=world.org_b)
    assert entries.count() == 2
    assert all(e.detail["fields"] == ["languages", "exploitation"] for e in entries)
    # Audit details carry codes, never the values themselves.
    assert SHARED_PLACE not in str(list(AuditEntry.objects.values_list("detail", flat=True)))


def test_recipient_cannot_open_the_senders_case(world: World, referral: Referral) -> None:
    browser, api = signed_in_client(world.worker_b), api_client(world.worker_b)
    with nothing_changes():
        assert browser.get(f"/cases/{world.case.pk}/").status_code == 404
        assert api.get(f"/api/v1/cases/{world.case.pk}").status_code == 404


def test_identification_is_shared_as_outcomes_and_decisions_without_answers(world: World, member) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from palermo.identification.selectors import screening_catalogue
    from palermo.identification.services import (
        decision_record,
        screening_answer,
        screening_attach_person,
        screening_complete,
        screening_start,
        screening_submit_for_decision,
    )
    from palermo.organisations.models import Role

    acting = acting_of(world.worker_a)
    screening = screening_start(acting=acting, catalogue_id="municipal-labour", reference="Greenhouse Velmar")
    first = screening_catalogue(screening).dimensions[0]
    screening_answer(
        acting=acting,
        screening=screening,
        dimension_id=first.id,
        answers={first.indicators[0].id: "yes"},
        notes={first.indicators[0].id: "Boss keeps passports in a red safe"},
    )
    screening_complete(acting=acting, screening=screening, palermo={})
    screening_submit_for_decision(acting=acting, screening=screening)
    screening_attach_person(acting=acting, screening=screening, person=world.case.person)
    decision_record(
        acting=acting_of(member(Role.DECISION_MAKER, world.org_a)),
        screening=screening,
        stage="reasonable_grounds",
        result="positive",
        decided_on=timezone.localdate(),
        reasoning="Consistent with the inspector's visit to Velmar",
    )
    give_referral_consent(world, ["identification", "trafficking_status"], ["shelter"])
    referral = referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
    html = signed_in_client(world.worker_b).get(f"/referrals/{referral.pk}/").content.decode()
    assert "Positive: reasonable grounds to believe the person is a victim" in html
    assert "Presumed victim" in html
    body = api_client(world.worker_b).get(f"/api/v1/referrals/{referral.pk}").json()
    assert body["shared"]["trafficking_status"] == {"trafficking_status": "presumed"}
    for secret in ("red safe", "Velmar", first.indicators[0].id):
        assert secret not in html
        assert secret not in str(body)


def test_recipient_reads_language_names_not_codes(world: World) -> None:
    """The page and the PDF say "Romanian", never "ro": a recipient should not need an ISO table."""
    world.case.person.languages = ["ro", "uk"]
    world.case.person.save(update_fields=["languages"])
    referral = _referral_sharing_languages(world)
    client = signed_in_client(world.worker_b)
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    pdf = _pdf_text(client.get(f"/referrals/{referral.pk}/summary.pdf").content)
    for text in (html, pdf):
        assert "Romanian, Ukrainian" in text
        assert "ro; uk" not in text
        assert "ro, uk" not in text


def _referral_sharing_languages(world: World) -> Referral:
    give_referral_consent(world, ["languages"], ["shelter"])
    return referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
