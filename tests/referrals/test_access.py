"""When the recipient still sees a referral: one rule, the same answer in every list and for one referral,
and one audit entry for each time a referral is shown."""

from __future__ import annotations

import pytest

from palermo.audit.models import AuditEntry
from palermo.consent.services import consent_withdraw, legal_basis_record
from palermo.organisations.models import Role
from palermo.referrals.access import recipient_access, referral_access_holds, with_recipient_access
from palermo.referrals.models import Referral
from palermo.referrals.selectors import referral_inbox_for
from palermo.referrals.services import referral_accept, referral_decline, referral_revoke, referral_send
from palermo.worklist.items import work_items_for
from tests.cases.conftest import World, give_referral_consent
from tests.conftest import acting_of, api_client, signed_in_client


def _send(world: World) -> Referral:
    return referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )


@pytest.fixture
def referrals(world: World, member) -> dict[str, Referral]:  # type: ignore[no-untyped-def]
    """One referral from A to B in each state that matters to the rule."""
    early_consent = give_referral_consent(world, ["languages"], ["shelter"])
    withdrawn = _send(world)
    give_referral_consent(world, ["languages", "exploitation"], ["shelter"])
    pending, accepted, declined, revoked = _send(world), _send(world), _send(world), _send(world)
    referral_accept(acting=acting_of(world.worker_b), referral=accepted)
    referral_decline(acting=acting_of(world.worker_b), referral=declined, reason="No place this month.")
    referral_revoke(acting=acting_of(member(Role.COORDINATOR, world.org_a)), referral=revoked)
    consent_withdraw(acting=acting_of(world.worker_a), consent=early_consent)
    # A legal basis for B stands in for consent from now on.
    legal_basis_record(
        acting=acting_of(member(Role.DECISION_MAKER, world.org_a)),
        case=world.case,
        purpose="referral",
        provision="Child Protection Act, art. 12",
        recipient=world.org_b,
        fields=["languages"],
    )
    on_legal_basis = _send(world)
    assert on_legal_basis.legal_basis_id is not None
    return {
        "pending": pending,
        "accepted": accepted,
        "declined": declined,
        "revoked": revoked,
        "consent_withdrawn": withdrawn,
        "legal_basis": on_legal_basis,
    }


SEEN = {"pending", "accepted", "legal_basis"}


def test_lists_and_one_referral_agree_in_every_state(world: World, referrals: dict[str, Referral]) -> None:
    name_of = {referral.pk: name for name, referral in referrals.items()}
    filtered = {name_of[pk] for pk in Referral.objects.filter(recipient_access()).values_list("pk", flat=True)}
    annotated = {name_of[r.pk] for r in with_recipient_access(Referral.objects.all()) if r.recipient_access}
    one_by_one = {name for name, r in referrals.items() if referral_access_holds(Referral.objects.get(pk=r.pk))}
    inbox = {name_of[pk] for pk in referral_inbox_for(acting=acting_of(world.worker_b)).values_list("pk", flat=True)}
    assert filtered == annotated == one_by_one == inbox == SEEN


def test_the_recipient_opens_exactly_the_referrals_it_still_sees(world: World, referrals: dict[str, Referral]) -> None:
    browser, api = signed_in_client(world.worker_b), api_client(world.worker_b)
    inbox = browser.get("/referrals/").content.decode()
    for name, referral in referrals.items():
        expected = 200 if name in SEEN else 404
        assert (name, browser.get(f"/referrals/{referral.pk}/").status_code) == (name, expected)
        assert (name, browser.get(f"/referrals/{referral.pk}/summary/").status_code) == (name, expected)
        assert (name, api.get(f"/api/v1/referrals/{referral.pk}").status_code) == (name, expected)
        assert (name, f'href="/referrals/{referral.pk}/"' in inbox) == (name, name in SEEN)


def test_the_sender_and_the_work_lists_follow_the_same_rule(world: World, referrals: dict[str, Referral]) -> None:
    case_page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/").content.decode()
    # Flagged on the sender's case page: the pending referral whose consent was withdrawn, and only it.
    assert case_page.count("Consent withdrawn: the organisation no longer sees anything.") == 1
    waiting = {referrals["pending"].pk, referrals["legal_basis"].pk}
    urls = {f"/referrals/{pk}/" for pk in waiting}
    assert {
        item.url for item in work_items_for(acting_of(world.worker_b)) if item.kind == "referral.unanswered"
    } == urls
    assert {
        item.url for item in work_items_for(acting_of(world.worker_a)) if item.kind == "referral.awaiting_answer"
    } == urls


def test_a_withdrawal_ends_access_for_a_referral_already_open(world: World) -> None:
    consent = give_referral_consent(world, ["languages"], ["shelter"])
    referral = _send(world)
    loaded = Referral.objects.get(pk=referral.pk)  # as a page loaded it before the withdrawal
    assert referral_access_holds(loaded)
    consent_withdraw(acting=acting_of(world.worker_a), consent=consent)
    assert not referral_access_holds(loaded)
    assert not Referral.objects.filter(recipient_access(), pk=referral.pk).exists()


@pytest.mark.parametrize(
    "path", ["/referrals/{pk}/", "/referrals/{pk}/summary/", "/referrals/{pk}/summary.pdf", "/api/v1/referrals/{pk}"]
)
@pytest.mark.parametrize("side", ["recipient", "sender"])
def test_one_audit_entry_for_each_view_of_a_referral(world: World, path: str, side: str) -> None:
    give_referral_consent(world, ["languages"], ["shelter"])
    referral = _send(world)
    reader = world.worker_b if side == "recipient" else world.worker_a
    client = api_client(reader) if path.startswith("/api/") else signed_in_client(reader)
    before = AuditEntry.objects.count()
    assert client.get(path.format(pk=referral.pk)).status_code == 200
    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert [(e.action, e.object_id, e.detail) for e in entries] == [
        ("referral.shared_view", str(referral.pk), {"fields": ["languages"]})
    ]
    assert entries[0].organisation_id == reader.organisation_id
