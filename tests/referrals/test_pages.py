"""The referral pages as case workers use them: refer, answer, revoke, and the errors they read."""

from __future__ import annotations

from palermo.referrals.models import Referral
from tests.cases.conftest import World, give_referral_consent
from tests.conftest import acting_of, nothing_changes, signed_in_client


def test_referral_form_shows_the_consent_rule_that_blocks_it(world: World) -> None:
    give_referral_consent(world, ["languages"], ["medical"])
    client = signed_in_client(world.worker_a)
    form = client.get(f"/cases/{world.case.pk}/refer/").content.decode()
    assert "Beta Police" in form
    assert "Alpha Shelter</option>" not in form  # never one's own organisation
    with nothing_changes(reads_audited=True):  # the form comes back with the case, its read audited
        response = client.post(
            f"/cases/{world.case.pk}/refer/", {"to_organisation": world.org_b.pk, "services": ["shelter"], "note": "x"}
        )
    assert response.status_code == 400
    assert "does not cover the service: Temporary shelter or safe accommodation." in response.content.decode()
    assert not Referral.objects.exists()


def test_recipient_declines_from_the_page_and_the_sender_reads_why(world: World) -> None:
    from palermo.referrals.services import referral_send

    give_referral_consent(world, ["languages"], ["shelter"])
    referral = referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
    recipient = signed_in_client(world.worker_b)
    refused = recipient.post(f"/referrals/{referral.pk}/decline/", {"reason": ""}, follow=True)
    assert "Say why you decline" in refused.content.decode()
    response = recipient.post(f"/referrals/{referral.pk}/decline/", {"reason": "No bed free until March"})
    assert response["Location"] == "/referrals/"
    page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/").content.decode()
    assert "Declined" in page
    assert "No bed free until March" in page


def test_sender_revokes_from_the_page(world: World) -> None:
    from palermo.referrals.services import referral_send

    give_referral_consent(world, ["languages"], ["shelter"])
    referral = referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
    sender = signed_in_client(world.worker_a)
    assert "Revoke the referral" in sender.get(f"/referrals/{referral.pk}/").content.decode()
    page = sender.post(f"/referrals/{referral.pk}/revoke/", follow=True).content.decode()
    assert "The referral is revoked." in page
    recipient = signed_in_client(world.worker_b)
    with nothing_changes():  # not even an audited read
        assert recipient.get(f"/referrals/{referral.pk}/").status_code == 404


def test_the_referral_form_lists_the_services_each_organisation_offers_in_the_directory(world, member) -> None:  # type: ignore[no-untyped-def]
    from palermo.directory.models import DirectoryEntry

    DirectoryEntry.objects.create(
        name=world.org_b.name,
        actor_type="ngo",
        level="local",
        country="AT",
        services=["shelter", "legal"],
        linked_organisation=world.org_b,
        maintained_by=world.org_b,
    )
    page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/refer/").content.decode()
    assert f"{world.org_b.name} — Temporary shelter or safe accommodation, Legal assistance and representation" in page
