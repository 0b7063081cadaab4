"""Recording consent and legal bases: who may, what is checked, and what the API and pages show."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied

from palermo.consent.models import Consent
from palermo.consent.services import consent_record, legal_basis_record
from palermo.organisations.models import Role
from tests.cases.conftest import World
from tests.conftest import acting_of, api_client, nothing_changes, signed_in_client


def test_only_a_decision_maker_records_a_legal_basis(world: World) -> None:
    with pytest.raises(PermissionDenied):
        legal_basis_record(
            acting=acting_of(world.worker_a),
            case=world.case,
            purpose="referral",
            recipient=world.org_b,
            provision="Child Protection Act, art. 12",
        )
    response = api_client(world.worker_a).post(
        f"/api/v1/cases/{world.case.pk}/legal-bases",
        {"purpose": "referral", "organisation": world.org_b.pk, "provision": "x"},
        format="json",
    )
    assert response.status_code == 403


def test_consent_through_the_api_then_withdrawal(world: World) -> None:
    client = api_client(world.worker_a)
    response = client.post(
        f"/api/v1/cases/{world.case.pk}/consents",
        {
            "purpose": "referral",
            "organisation": world.org_b.pk,
            "fields": ["languages"],
            "services": ["shelter"],
            "status": "given",
            "informed_language": "ro",
            "informed_how": "oral",
            "interpreter": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    consent = response.json()
    assert consent["organisation"] == world.org_b.pk
    assert consent["fields"] == ["languages"]
    assert client.post(f"/api/v1/consents/{consent['id']}/withdraw").json()["status"] == "withdrawn"
    refused = client.post(
        "/api/v1/referrals",
        {"case": world.case.pk, "to_organisation": world.org_b.pk, "services": ["shelter"]},
        format="json",
    )
    assert refused.json()["error"]["code"] == "consent_withdrawn"


def test_the_minimal_consent_body_is_taken_and_flagged_as_not_saying_how_the_person_was_informed(
    world: World,
) -> None:
    response = api_client(world.worker_a).post(
        f"/api/v1/cases/{world.case.pk}/consents",
        {"purpose": "referral", "organisation": world.org_b.pk, "fields": ["languages"], "status": "given"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["informed_how"], response.json()["informed_language"]) == ("", "")
    page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/")
    assert "How the person was informed was not recorded." in page.content.decode()


def test_consent_with_unknown_field_code_is_refused_clearly(world: World) -> None:
    response = api_client(world.worker_a).post(
        f"/api/v1/cases/{world.case.pk}/consents",
        {
            "purpose": "referral",
            "organisation": world.org_b.pk,
            "fields": ["shoe_size"],
            "status": "given",
            "informed_language": "en",
            "informed_how": "oral",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "shoe_size" in response.json()["error"]["fields"]["fields"][0]


def test_a_child_consent_needs_a_guardian(world: World, member) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from django.core.exceptions import ValidationError

    from palermo.cases.services import case_open
    from palermo.people.services import person_create

    acting = acting_of(world.worker_a)
    child = person_create(
        acting=acting,
        given_names="Mira",
        date_of_birth=datetime.date.today().replace(year=datetime.date.today().year - 12),
    )
    case = case_open(acting=acting, person=child)
    with pytest.raises(ValidationError) as refused:
        consent_record(
            acting=acting, case=case, purpose="assistance", status="given", informed_language="en", informed_how="oral"
        )
    assert "guardian" in refused.value.message_dict
    consent = consent_record(
        acting=acting,
        case=case,
        purpose="assistance",
        status="given",
        informed_language="en",
        informed_how="oral",
        guardian="Municipal guardian office",
        best_interests_note="Needs shelter now",
    )
    assert consent.guardian == "Municipal guardian office"


def test_consent_form_explains_what_is_missing(world: World) -> None:
    client = signed_in_client(world.worker_a)
    response = client.post(
        f"/cases/{world.case.pk}/consents/new/",
        {
            "purpose": "referral",
            "status": "given",
            "informed_language": "ro",
            "informed_how": "oral",
            "shared_fields": ["languages"],
            "interpreter": "on",
        },
    )
    assert response.status_code == 400
    assert "A consent to referral names the organisation the case goes to." in response.content.decode()
    # What was typed is kept.
    assert re.search(r'name="shared_fields" value="languages"[^>]*checked', response.content.decode())
    assert not Consent.objects.exists()
    response = client.post(
        f"/cases/{world.case.pk}/consents/new/",
        {
            "purpose": "referral",
            "organisation": world.org_b.pk,
            "status": "given",
            "informed_language": "ro",
            "informed_how": "oral",
            "shared_fields": ["languages"],
            "services": ["shelter"],
        },
    )
    assert response.status_code == 302
    assert Consent.objects.get().fields == ["languages"]


def test_decision_maker_records_a_legal_basis_shown_on_the_case(world: World, member) -> None:  # type: ignore[no-untyped-def]
    decider = member(Role.DECISION_MAKER, world.org_a)
    client = signed_in_client(decider)
    response = client.post(
        f"/cases/{world.case.pk}/legal-basis/new/",
        {
            "purpose": "referral",
            "organisation": world.org_b.pk,
            "shared_fields": ["names"],
            "provision": "Child Protection Act, art. 12",
            "note": "Duty to report",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "Child Protection Act, art. 12" in page
    worker = signed_in_client(world.worker_a)
    with nothing_changes():
        assert worker.get(f"/cases/{world.case.pk}/legal-basis/new/").status_code == 403


def test_withdrawing_consent_on_the_page_asks_first_and_says_what_access_ends(world: World) -> None:
    from palermo.referrals.services import referral_send
    from tests.cases.conftest import give_referral_consent

    consent = give_referral_consent(world, ["languages"], ["shelter"])
    referral_send(acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"])
    client = signed_in_client(world.worker_a)
    url = f"/cases/{world.case.pk}/consents/{consent.pk}/withdraw/"
    assert f'href="{url}"' in client.get(f"/cases/{world.case.pk}/").content.decode()

    # The first step only asks: it names who loses access and to what, and records nothing.
    with nothing_changes(reads_audited=True):
        asked = client.get(url)
        unconfirmed = client.post(url)
    for response in (asked, unconfirmed):
        assert response.status_code == 200
        page = response.content.decode()
        assert "Withdraw this consent?" in page
        assert world.org_b.name in page
        assert "Languages" in page
    consent.refresh_from_db()
    assert consent.status == "given"

    done = client.post(url, {"confirm": "yes"})
    assert done.status_code == 302
    consent.refresh_from_db()
    assert consent.status == "withdrawn"


def test_the_case_page_names_the_language_the_person_was_informed_in(world: World) -> None:
    from tests.cases.conftest import give_referral_consent

    give_referral_consent(world, ["languages"], ["shelter"])  # informed in "ro"
    page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/").content.decode()
    assert "in Romanian" in page
    assert "in ro;" not in page
