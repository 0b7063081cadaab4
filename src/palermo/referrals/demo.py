"""Demo data for cases and referrals: one case at the shelter, with consent, referred to the municipal social services.

The demo case worker belongs to both organisations, so they can switch and see both sides of the referral.
Safe to run again: it adds nothing when the shelter already holds a case.
"""

from __future__ import annotations

from palermo.cases.models import Case
from palermo.cases.services import case_open, case_update_exploitation
from palermo.consent.services import consent_record
from palermo.organisations.models import Membership, Organisation, Role
from palermo.people.models import Person
from palermo.permissions import ActingUser, Channel
from palermo.referrals.services import referral_send


def demo_cases(*, sender: Organisation, recipient: Organisation) -> None:
    if Case.objects.filter(organisation=sender).exists():
        return
    membership = Membership.objects.filter(organisation=sender, role=Role.CASE_WORKER, is_active=True).first()
    person = Person.objects.filter(organisation=sender).order_by("created_at", "id").first()
    if membership is None or person is None:
        return
    acting = ActingUser(user=membership.user, membership=membership, channel=Channel.CLI)
    case = case_open(acting=acting, person=person)
    case_update_exploitation(
        acting=acting,
        case=case,
        exploitation_types=["ForcedLabour"],
        methods_of_control=["WithholdsDocuments", "DebtBondage", "ExcessiveWorkingHours"],
        recruitment_country="ZZ",
        recruitment_locality="Northern Province",
        exploitation_country="ZZ",
        exploitation_locality="Valmora",
    )
    consent_record(
        acting=acting,
        case=case,
        purpose="assistance",
        status="given",
        informed_language="en",
        informed_how="written",
    )
    consent_record(
        acting=acting,
        case=case,
        purpose="referral",
        status="given",
        recipient=recipient,
        fields=["names", "languages", "exploitation", "trafficking_status"],
        services=["social", "legal"],
        informed_language="en",
        informed_how="written",
        interpreter=False,
    )
    referral_send(
        acting=acting,
        case=case,
        to_organisation=recipient,
        services=["social", "legal"],
        note="Needs help with a residence permit and social benefits; prefers mornings.",
    )
