"""`palermo people reindex`: after a new HMAC key, the old tokens match nothing until rebuilt."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from palermo.audit.models import AuditEntry
from palermo.people.selectors import person_find_by_name, person_search
from palermo.people.services import person_create
from tests.conftest import acting_of

pytestmark = pytest.mark.django_db


def test_reindex_after_a_new_key(worker, settings, capsys):
    acting = acting_of(worker)
    people = [person_create(acting=acting, given_names="Olena", family_name=f"Petrenko{n}") for n in range(3)]
    settings.PALERMO_HMAC_KEY = "a-new-key-after-a-suspected-leak"
    assert person_search(acting=acting, query="Olena Petrenko0") == []
    call_command("people", "reindex", "--batch-size", "2")
    assert "people reindexed: 2/3" in capsys.readouterr().out
    assert person_search(acting=acting, query="Olena Petrenko0")[0] == people[0]
    assert list(person_find_by_name(acting=acting, full_name="olena petrenko1")) == [people[1]]
    assert [e.detail for e in AuditEntry.objects.filter(action="person.reindex")] == [{"people": 2}, {"people": 1}]
