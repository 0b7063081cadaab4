"""What the referral lists cost: found with the cases benchmark (bench/README.md)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palermo.organisations.models import Membership, Role
from palermo.referrals import views as referrals_views
from palermo.referrals.models import Referral
from palermo.referrals.selectors import referral_inbox_for, referral_outbox_for
from tests.conftest import acting_of, signed_in_client

SEED = ("bench", "seed", "--organisations", "3", "--users", "20", "--people", "40", "--notes-per-case", "1")


def test_referral_lists_decrypt_nothing(db: None) -> None:
    call_command(*SEED, "--cases", "20", "--referrals", "8", verbosity=0)
    acting = acting_of(_recipient())
    received = list(referral_inbox_for(acting=acting))
    sent = list(referral_outbox_for(acting=acting))
    assert received
    assert sent
    for referral in received + sent:
        # The note for the recipient, the case's exploitation details and the person are never loaded.
        assert "note" in referral.get_deferred_fields()
        assert "exploitation_types" in referral.case.get_deferred_fields()
        assert "person" not in referral.case._state.fields_cache
        assert referral.case.reference.startswith("C-")


def test_referral_inbox_queries_do_not_grow_with_referrals(db: None) -> None:
    call_command(*SEED, "--cases", "20", "--referrals", "8", verbosity=0)
    membership = _recipient()
    client = signed_in_client(membership)
    client.get("/referrals/")
    with CaptureQueriesContext(connection) as few:
        response = client.get("/referrals/")
    shown = response.content.decode()
    assert all(r.case.reference in shown for r in referral_inbox_for(acting=acting_of(membership)))
    call_command(*SEED, "--cases", "40", "--referrals", "20", verbosity=0)
    with CaptureQueriesContext(connection) as more:
        response = client.get("/referrals/")
    assert response.status_code == 200
    assert Referral.objects.filter(to_organisation_id=membership.organisation_id).count() > 3
    assert len(more.captured_queries) == len(few.captured_queries)


def test_referral_inbox_pages_fifty_at_a_time(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    call_command(*SEED, "--cases", "40", "--referrals", "40", verbosity=0)
    membership = _recipient()
    received = list(referral_inbox_for(acting=acting_of(membership)))
    assert len(received) > 3
    client = signed_in_client(membership)
    monkeypatch.setattr(referrals_views, "REFERRALS_PER_PAGE", 2)
    first = client.get("/referrals/").content.decode().split('id="sent-h"')[0]
    second = client.get("/referrals/?received=2").content.decode().split('id="sent-h"')[0]
    # Newest first, two a page, a link to the older ones; the second page has the next two and a way back.
    assert received[0].case.reference in first
    assert received[2].case.reference not in first
    assert 'href="?received=2"' in first
    assert received[2].case.reference in second
    assert 'href="?received=1"' in second
    assert client.get("/referrals/?received=x").status_code == 200  # nonsense is the first page


def test_an_inbox_line_shows_the_case_the_sender_and_the_status_in_the_readers_language(db: None) -> None:
    call_command(*SEED, "--cases", "20", "--referrals", "8", verbosity=0)
    membership = _recipient()
    referral = referral_inbox_for(acting=acting_of(membership)).first()
    assert referral is not None
    Referral.objects.filter(pk=referral.pk).update(status="pending")
    client = signed_in_client(membership)
    line = next(
        li for li in client.get("/referrals/").content.decode().split("<li") if f"/referrals/{referral.pk}/" in li
    )
    assert f'href="{reverse("referrals:detail", args=[referral.pk])}"' in line
    assert referral.case.reference in line
    assert f"from {referral.organisation.name}" in line
    assert ">Waiting for an answer<" in line
    client.post("/language/", {"language": "fr"})
    line = next(
        li for li in client.get("/referrals/").content.decode().split("<li") if f"/referrals/{referral.pk}/" in li
    )
    assert f"de {referral.organisation.name}" in line
    assert ">En attente de réponse<" in line


def _recipient() -> Membership:
    organisation_id = Referral.objects.values_list("to_organisation_id", flat=True).order_by("pk").first()
    membership = Membership.objects.filter(organisation_id=organisation_id, role=Role.CASE_WORKER).first()
    assert membership is not None
    return membership
