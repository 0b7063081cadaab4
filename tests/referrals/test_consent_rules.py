"""Sending a referral is refused unless consent (or a legal basis) allows exactly that, and says what is missing.

Each rule is checked at the service layer and through the API, where it has its own error code.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from palermo.consent.services import consent_record, consent_withdraw, legal_basis_record
from palermo.organisations.models import Role
from palermo.referrals.models import Referral
from palermo.referrals.services import ConsentRuleError, referral_send
from tests.cases.conftest import World, give_referral_consent
from tests.conftest import acting_of, api_client
from tests.factories import OrganisationFactory


def _other_org_consent(world: World) -> None:
    give_referral_consent(world, ["names"], ["shelter"], recipient=OrganisationFactory(name="Gamma Clinic"))


def _other_purpose_consent(world: World) -> None:
    consent_record(
        acting=acting_of(world.worker_a),
        case=world.case,
        purpose="law_enforcement",
        status="given",
        informed_language="ro",
        informed_how="oral",
        recipient=world.org_b,
        fields=["names"],
    )


def _withdrawn_consent(world: World) -> None:
    consent = give_referral_consent(world, ["names"], ["shelter"])
    consent_withdraw(acting=acting_of(world.worker_a), consent=consent)


def _refused_consent(world: World) -> None:
    give_referral_consent(world, [], [], status="refused")


def _consent_without_shelter(world: World) -> None:
    give_referral_consent(world, ["names"], ["medical"])


RULES: list[tuple[str, Callable[[World], None], str]] = [
    ("consent_missing", lambda world: None, "There is no consent to refer this case to Beta Police."),
    ("consent_other_organisation", _other_org_consent, "is for another organisation, not Beta Police"),
    ("consent_other_purpose", _other_purpose_consent, "is for another purpose"),
    ("consent_withdrawn", _withdrawn_consent, "was withdrawn"),
    ("consent_refused", _refused_consent, "refused"),
    (
        "consent_service_not_covered",
        _consent_without_shelter,
        "does not cover the service: Temporary shelter or safe accommodation.",
    ),
]


@pytest.mark.parametrize(("rule", "arrange", "message"), RULES, ids=[r[0] for r in RULES])
def test_service_refuses_referral_and_names_what_is_missing(world: World, rule: str, arrange, message: str) -> None:  # type: ignore[no-untyped-def]
    arrange(world)
    with pytest.raises(ConsentRuleError) as refused:
        referral_send(
            acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
        )
    assert refused.value.rule == rule
    assert message.lower() in refused.value.text.lower()
    assert not Referral.objects.exists()


@pytest.mark.parametrize(("rule", "arrange", "message"), RULES, ids=[r[0] for r in RULES])
def test_api_refuses_referral_with_a_specific_code(world: World, rule: str, arrange, message: str) -> None:  # type: ignore[no-untyped-def]
    arrange(world)
    response = api_client(world.worker_a).post(
        "/api/v1/referrals",
        {"case": world.case.pk, "to_organisation": world.org_b.pk, "services": ["shelter"]},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == rule
    assert message.lower() in error["message"].lower()
    assert error["fields"]["consent"] == [error["message"]]
    assert not Referral.objects.exists()


def test_a_field_the_consent_does_not_name_is_refused(world: World) -> None:
    give_referral_consent(world, ["languages"], ["shelter"])
    with pytest.raises(ConsentRuleError) as refused:
        referral_send(
            acting=acting_of(world.worker_a),
            case=world.case,
            to_organisation=world.org_b,
            services=["shelter"],
            fields=["languages", "date_of_birth"],
        )
    assert refused.value.rule == "consent_field_not_covered"
    assert "Date of birth" in refused.value.text


def test_covering_consent_lets_the_referral_go_with_the_consented_fields(world: World) -> None:
    consent = give_referral_consent(world, ["languages", "exploitation"], ["shelter", "medical"])
    referral = referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
    assert referral.consent == consent
    assert referral.fields == ["languages", "exploitation"]
    assert referral.status == "pending"


def test_a_legal_basis_stands_in_for_consent(world: World, member) -> None:  # type: ignore[no-untyped-def]
    decider = member(Role.DECISION_MAKER, world.org_a)
    basis = legal_basis_record(
        acting=acting_of(decider),
        case=world.case,
        purpose="referral",
        recipient=world.org_b,
        fields=["names", "date_of_birth"],
        provision="Child Protection Act, art. 12",
        note="Duty to report a child at risk.",
    )
    referral = referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
    assert referral.legal_basis == basis
    assert referral.consent is None
    assert referral.fields == ["names", "date_of_birth"]


def test_a_legal_basis_through_the_api_and_then_a_referral(world: World, member) -> None:  # type: ignore[no-untyped-def]
    decider = member(Role.DECISION_MAKER, world.org_a)
    response = api_client(decider).post(
        f"/api/v1/cases/{world.case.pk}/legal-bases",
        {
            "purpose": "referral",
            "organisation": world.org_b.pk,
            "fields": ["exploitation"],
            "provision": "Child Protection Act, art. 12",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    response = api_client(world.worker_a).post(
        "/api/v1/referrals",
        {"case": world.case.pk, "to_organisation": world.org_b.pk, "services": ["shelter"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert list(response.json()["shared"]) == ["exploitation"]
