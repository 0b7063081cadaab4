"""GET /api/v1/cases reads the screenings, decisions and case workers of a page of cases at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palermo.cases.models import Case
from palermo.cases.services import case_assign, case_link_screening
from palermo.organisations.models import Membership, Role
from tests.assistance.helpers import decide, open_case, submitted_screening
from tests.conftest import acting_of, api_client

pytestmark = pytest.mark.django_db


def _case_with_everything(worker: Membership, decider: Membership, colleague: Membership, result: str) -> Case:
    """A case with two screenings about its person (one decided), one more linked by hand, two case workers."""
    case = open_case(worker)
    decide(decider, submitted_screening(worker, case), result, timezone.localdate())
    submitted_screening(worker, case)
    other = open_case(worker)  # a screening about someone else, linked to this case explicitly
    case_link_screening(acting=acting_of(worker), case=case, screening=submitted_screening(worker, other))
    case_assign(acting=acting_of(worker), case=case, users=[worker.user, colleague.user])
    return case


def test_the_case_list_queries_do_not_grow_with_the_cases_on_the_page(org_a, member) -> None:  # type: ignore[no-untyped-def]
    worker, colleague = member(Role.CASE_WORKER, org_a), member(Role.CASE_WORKER, org_a)
    decider = member(Role.DECISION_MAKER, org_a)
    api = api_client(worker)
    first = _case_with_everything(worker, decider, colleague, "positive")
    api.get("/api/v1/cases")  # the token's first use is noted once
    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/v1/cases").json()["count"] == 2
    more = [_case_with_everything(worker, decider, colleague, result) for result in ("negative", "positive")]
    with CaptureQueriesContext(connection) as many:
        body = api.get("/api/v1/cases").json()
    assert body["count"] == 6
    assert len(many.captured_queries) == len(few.captured_queries)

    # Each case shows its own screenings and decisions, as its own page reads them.
    by_id = {row["id"]: row for row in body["results"]}
    for case, status in ((first, "presumed"), (more[0], "not_a_victim"), (more[1], "presumed")):
        row = by_id[case.pk]
        assert row == api.get(f"/api/v1/cases/{case.pk}").json()
        assert row["trafficking_status"] == status
        assert len(row["screenings"]) == 3
        assert sorted(row["assigned_to"]) == sorted([worker.user.pk, colleague.user.pk])
    # The case opened for the other person has only the screening about that person, not the linked ones.
    others = [row for row in body["results"] if row["id"] not in {first.pk, *(c.pk for c in more)}]
    assert [len(row["screenings"]) for row in others] == [1, 1, 1]
    assert {row["trafficking_status"] for row in others} == {"possible"}
