"""The triage inbox at volume: pages of 50, a status filter, and benchmark tips from `bench seed`."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from palermo.organisations.models import Membership, Role
from palermo.reporting.models import Tip
from tests.conftest import signed_in_client


@pytest.mark.django_db
def test_bench_seed_makes_tips_and_the_inbox_pages_them():
    call_command("bench", "-v0", "seed", "--organisations", "2", "--users", "12", "--tips", "130")
    assert Tip.objects.count() == 130
    call_command("bench", "-v0", "seed", "--organisations", "2", "--users", "12", "--tips", "130")
    assert Tip.objects.count() == 130
    worker = Membership.objects.filter(role=Role.CASE_WORKER).first()
    client = signed_in_client(worker)
    first = client.get("/tips/")
    mine = Tip.objects.filter(organisation=worker.organisation)
    assert len(first.context["page_obj"].object_list) == 50
    assert first.context["page_obj"].paginator.count == mine.count()
    status = mine.first().status
    filtered = client.get("/tips/", {"status": status})
    assert {t.status for t in filtered.context["page_obj"].object_list} == {status}
    with pytest.raises(CommandError) as raised:
        call_command("bench", "-v0", "seed", "--organisations", "2", "--users", "12", "--tips", "-5")
    assert raised.value.returncode == 2
