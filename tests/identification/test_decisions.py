"""Two-stage identification: reasonable grounds, then victim status; deadlines; full history."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palermo.audit.models import AuditEntry
from palermo.common.workdays import add_working_days
from palermo.identification.deadlines import reasonable_grounds_due, recovery_period_end
from palermo.identification.models import IdentificationDecision, Screening
from palermo.identification.selectors import current_decision, current_decision_among
from palermo.identification.services import screening_start
from palermo.organisations.models import Role
from tests.conftest import ALL_ROLES, acting_of, nothing_changes, signed_in_client, submit_screening_for_decision

TODAY = timezone.localdate()


def test_working_days_skip_weekends_and_the_countrys_holidays():
    friday = datetime.date(2026, 11, 20)
    assert add_working_days(friday, 5, "AT") == datetime.date(2026, 11, 27)
    # 8 December is a public holiday in Austria, not in the Netherlands.
    assert add_working_days(datetime.date(2026, 12, 4), 5, "AT") == datetime.date(2026, 12, 14)
    assert add_working_days(datetime.date(2026, 12, 4), 5, "NL") == datetime.date(2026, 12, 11)
    # A country the holiday package does not know: weekends only.
    assert add_working_days(datetime.date(2026, 12, 4), 5, "ZZ") == datetime.date(2026, 12, 11)


def test_deadlines_follow_the_settings(settings):
    settings.PALERMO_REASONABLE_GROUNDS_WORKING_DAYS = 2
    settings.PALERMO_RECOVERY_PERIOD_DAYS = 90
    assert reasonable_grounds_due(datetime.date(2026, 11, 20), "ZZ") == datetime.date(2026, 11, 24)
    assert recovery_period_end(datetime.date(2026, 1, 1)) == datetime.date(2026, 4, 1)


def _decide(client, screening, stage, result, decided_on=TODAY, reasoning="Interview on arrival."):  # type: ignore[no-untyped-def]
    return client.post(
        f"/screenings/{screening.pk}/decisions/",
        {
            "stage": stage,
            f"{stage}-result": result,
            f"{stage}-decided_on": decided_on.isoformat(),
            f"{stage}-reasoning": reasoning,
        },
    )


@pytest.mark.django_db
def test_a_decision_maker_records_both_decisions_and_everyone_sees_the_recovery_period(
    org_a, member, submitted_screening
):
    responder, screening = submitted_screening
    decider = member(Role.DECISION_MAKER, org_a)
    client = signed_in_client(decider)
    page = client.get(f"/screenings/{screening.pk}/decisions/").content.decode()
    due = reasonable_grounds_due(timezone.localdate(screening.submitted_for_decision_at), "ZZ")
    assert "Reasonable-grounds decision due" in page
    assert due.isoformat() in page
    assert "Conclusive decision on victim status" not in page

    assert _decide(client, screening, "reasonable_grounds", "positive").status_code == 302
    ends = (TODAY + datetime.timedelta(days=30)).isoformat()
    # The responder who referred, and a case worker, see when the recovery period ends.
    for viewer in (responder, member(Role.CASE_WORKER, org_a)):
        assert ends in signed_in_client(viewer).get(f"/screenings/{screening.pk}/").content.decode()

    assert _decide(client, screening, "conclusive", "identified_victim").status_code == 302
    grounds = current_decision(screening=screening, stage="reasonable_grounds")
    conclusive = current_decision(screening=screening, stage="conclusive")
    assert (grounds.result, conclusive.result) == ("positive", "identified_victim")
    entries = AuditEntry.objects.filter(action="decision.record")
    assert entries.count() == 2
    assert "Interview on arrival" not in str(list(entries.values_list("detail", flat=True)))


@pytest.mark.django_db
def test_reconsideration_keeps_the_whole_history(org_a, member, submitted_screening):
    _, screening = submitted_screening
    client = signed_in_client(member(Role.DECISION_MAKER, org_a))
    _decide(client, screening, "reasonable_grounds", "negative", reasoning="Not enough at first.")
    _decide(client, screening, "reasonable_grounds", "positive", reasoning="New evidence from the NGO.")
    history = list(IdentificationDecision.objects.order_by("id"))
    assert [(d.result, d.supersedes_id) for d in history] == [("negative", None), ("positive", history[0].pk)]
    assert current_decision(screening=screening, stage="reasonable_grounds") == history[1]
    page = client.get(f"/screenings/{screening.pk}/decisions/").content.decode()
    assert "Not enough at first." in page
    assert "reconsidered" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stage", "result", "decided_on", "reasoning", "field"),
    [
        ("conclusive", "identified_victim", TODAY, "x", "stage"),
        ("reasonable_grounds", "identified_victim", TODAY, "x", "result"),
        ("reasonable_grounds", "positive", TODAY + datetime.timedelta(days=1), "x", "decided_on"),
        ("reasonable_grounds", "positive", TODAY - datetime.timedelta(days=400), "x", "decided_on"),
        ("reasonable_grounds", "positive", TODAY, "   ", "reasoning"),
    ],
)
def test_a_decision_that_cannot_stand_is_explained_and_not_stored(
    org_a, member, submitted_screening, stage, result, decided_on, reasoning, field
):
    _, screening = submitted_screening
    client = signed_in_client(member(Role.DECISION_MAKER, org_a))
    with nothing_changes(reads_audited=True):  # the decisions page comes back, its read audited
        response = _decide(client, screening, stage, result, decided_on, reasoning)
    assert response.status_code == 400
    form = response.context["conclusive_form" if stage == "conclusive" else "grounds_form"]
    assert field in form.errors or "__all__" in form.errors
    assert IdentificationDecision.objects.count() == 0


@pytest.mark.django_db
def test_an_unreferred_screening_cannot_be_decided(org_a, member):
    responder = member(Role.FIRST_RESPONDER, org_a)
    screening = screening_start(acting=acting_of(responder), catalogue_id="municipal-general")
    client = signed_in_client(member(Role.DECISION_MAKER, org_a))
    with nothing_changes(reads_audited=True):
        response = _decide(client, screening, "reasonable_grounds", "positive")
    assert response.status_code == 400
    assert "Only a referred screening" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != Role.DECISION_MAKER])
def test_only_decision_makers_decide(org_a, member, submitted_screening, role):
    _, screening = submitted_screening
    client = signed_in_client(member(role, org_a))
    with nothing_changes(reads_audited=True):  # a case worker may read the screening, and that is audited
        response = _decide(client, screening, "reasonable_grounds", "positive")
    assert response.status_code in (403, 404)
    assert IdentificationDecision.objects.count() == 0


@pytest.mark.django_db
def test_another_organisations_decision_maker_finds_nothing(org_b, member, submitted_screening):
    _, screening = submitted_screening
    client = signed_in_client(member(Role.DECISION_MAKER, org_b))
    with nothing_changes():
        assert client.get(f"/screenings/{screening.pk}/decisions/").status_code == 404
        assert _decide(client, screening, "reasonable_grounds", "positive").status_code == 404
    assert "Bus station" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_dashboard_shows_what_is_due_and_overdue(org_a, member, submitted_screening):
    _, screening = submitted_screening
    Screening.objects.filter(pk=screening.pk).update(
        submitted_for_decision_at=timezone.now() - datetime.timedelta(days=14)
    )
    decider = member(Role.DECISION_MAKER, org_a)
    home = signed_in_client(decider).get("/").content.decode()
    assert "Bus station" in home
    assert "Overdue" in home
    _decide(signed_in_client(decider), screening, "reasonable_grounds", "positive", decided_on=TODAY)
    home = signed_in_client(decider).get("/").content.decode()
    assert "Overdue" not in home
    assert "Recovery period until" in home


@pytest.mark.django_db
def test_the_decision_queue_costs_the_same_however_many_screenings_wait(org_a, member, submitted_screening):
    """Given one, then three screenings waiting (one for its conclusive decision, its grounds reconsidered),
    when the decision maker opens the home page, then the queries are the same and each shows its next step."""
    responder, _ = submitted_screening
    decider = member(Role.DECISION_MAKER, org_a)
    client = signed_in_client(decider)
    client.get("/")
    with CaptureQueriesContext(connection) as one:
        home = client.get("/").content.decode()
    assert "Bus station" in home

    in_recovery = submit_screening_for_decision(responder, reference="Night bus")
    _decide(client, in_recovery, "reasonable_grounds", "negative")
    _decide(client, in_recovery, "reasonable_grounds", "positive")
    decided = submit_screening_for_decision(responder, reference="Car wash")
    _decide(client, decided, "reasonable_grounds", "positive")
    _decide(client, decided, "conclusive", "identified_victim")
    submit_screening_for_decision(responder, reference="Harbour")
    with CaptureQueriesContext(connection) as three:
        home = client.get("/").content.decode()
    rows = {row.split("</a>")[0].rsplit(">", 1)[1]: row for row in home.split("<tr>")[2:]}
    assert sorted(rows) == ["Bus station", "Harbour", "Night bus"]
    assert "Reasonable grounds" in rows["Bus station"]
    assert "Reasonable grounds" in rows["Harbour"]
    assert "Victim status" in rows["Night bus"]
    ends = TODAY + datetime.timedelta(days=30)
    assert f"Recovery period until {ends:%b} {ends.day}, {ends.year}" in rows["Night bus"]  # never 01/02/2027
    assert len(three.captured_queries) == len(one.captured_queries)


def _decision(pk: int, stage: str, minute: int, supersedes: int | None = None) -> IdentificationDecision:
    created = datetime.datetime(2026, 11, 20, 9, minute, tzinfo=datetime.UTC)
    return IdentificationDecision(pk=pk, stage=stage, created_at=created, supersedes_id=supersedes)


@pytest.mark.parametrize(
    ("decisions", "stage", "current"),
    [
        ([], "reasonable_grounds", None),
        ([_decision(1, "reasonable_grounds", 0)], "conclusive", None),
        (
            [_decision(1, "reasonable_grounds", 0), _decision(2, "reasonable_grounds", 5, supersedes=1)],
            "reasonable_grounds",
            2,
        ),
        # Order of the list does not matter; the superseding one stands even when read first.
        (
            [_decision(2, "reasonable_grounds", 5, supersedes=1), _decision(1, "reasonable_grounds", 0)],
            "reasonable_grounds",
            2,
        ),
        # A reconsidered conclusive decision leaves the reasonable-grounds one standing.
        (
            [
                _decision(1, "reasonable_grounds", 0),
                _decision(2, "conclusive", 1),
                _decision(3, "conclusive", 2, supersedes=2),
            ],
            "reasonable_grounds",
            1,
        ),
        # Two standing decisions of a stage (none supersedes the other): the newest, then the higher id.
        (
            [_decision(3, "conclusive", 1), _decision(4, "conclusive", 1), _decision(5, "conclusive", 0)],
            "conclusive",
            4,
        ),
    ],
)
def test_the_current_decision_is_the_newest_that_none_supersedes(decisions, stage, current):
    found = current_decision_among(decisions, stage)
    assert (found.pk if found else None) == current
