"""The pathway: stage rules, the return stage's two prerequisites, where the person is, what is late,
and the recovery and reflection period."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from palermo.assistance.models import PathwayStage
from palermo.assistance.selectors import pathway_for, recovery_periods_for
from palermo.assistance.services import (
    pathway_stage_update,
    recovery_period_start,
    return_confirmation_record,
    return_consent_record,
)
from palermo.audit.models import AuditEntry
from palermo.organisations.models import Role
from tests.assistance.helpers import decide, open_case, submitted_screening
from tests.conftest import acting_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def worker(org_a, member):
    return member(Role.CASE_WORKER, org_a)


@pytest.fixture
def case(worker):
    return open_case(worker)


def test_the_pathway_lists_every_stage_of_the_scheme_in_order(case):
    pathway = pathway_for(case)
    assert [s.code for s in pathway] == [
        "hotline",
        "safe_place",
        "referral",
        "risk_assessment",
        "crisis_intervention",
        "long_term",
        "inclusion",
        "return",
    ]
    assert {s.status for s in pathway} == {"not_started"}
    assert not any(s.is_current for s in pathway)


def test_starting_and_finishing_a_stage_fills_in_todays_dates_and_keeps_activities(worker, case, org_b):
    pathway_stage_update(
        acting=acting_of(worker),
        case=case,
        stage="safe_place",
        status="in_progress",
        activities=["catalogue:1", "Taxi paid by the municipality"],
        responsible_organisation=org_b,
        responsible_user_id=worker.user_id,
    )
    stage = next(s for s in pathway_for(case) if s.code == "safe_place")
    assert (stage.status, stage.started_on, stage.completed_on) == ("in_progress", TODAY, None)
    assert [a.done for a in stage.activities] == [False, True]
    assert stage.free_activities == ("Taxi paid by the municipality",)
    assert stage.responsible == (org_b.name, worker.user.full_name)
    assert stage.is_current

    pathway_stage_update(acting=acting_of(worker), case=case, stage="safe_place", status="done")
    row = PathwayStage.objects.get(case=case, stage="safe_place")
    assert (row.status, row.started_on, row.completed_on) == ("done", TODAY, TODAY)
    # The next unfinished stage is where the person is now.
    assert next(s for s in pathway_for(case) if s.is_current).code == "referral"
    entry = AuditEntry.objects.filter(action="pathway.update").last()
    assert entry.detail == {"stage": "safe_place", "status": "done", "row": row.pk, "activities": 0}


def test_free_activities_are_encrypted_at_rest(worker, case):
    from django.db import connection

    pathway_stage_update(
        acting=acting_of(worker), case=case, stage="hotline", status="in_progress", activities=["Called from Vienna"]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT activities FROM assistance_pathwaystage")
        stored = cursor.fetchone()[0]
    assert "Vienna" not in stored


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"stage": "nowhere"}, "stage", "There is no such stage in the scheme of assistance."),
        ({"activities": ["catalogue:99"]}, "activities", "Unknown activity: catalogue:99."),
        (
            {"started_on": TODAY, "planned_end": TODAY - datetime.timedelta(days=1)},
            "planned_end",
            "This date is before the start date.",
        ),
        (
            {"status": "done", "completed_on": TODAY + datetime.timedelta(days=1)},
            "completed_on",
            "A stage cannot be finished in the future.",
        ),
        (
            {"responsible_name": "Embassy of Utopia", "responsible_organisation": "org_b"},
            "responsible_name",
            "Choose an organisation in Palermo or name an actor outside it, not both.",
        ),
    ],
)
def test_bad_stage_updates_say_what_is_wrong_and_change_nothing(worker, case, org_b, changes, field, message):
    values = {"stage": "hotline", "status": "in_progress", **changes}
    if values.get("responsible_organisation") == "org_b":
        values["responsible_organisation"] = org_b
    with pytest.raises(ValidationError) as error:
        pathway_stage_update(acting=acting_of(worker), case=case, **values)
    assert error.value.message_dict[field] == [message]
    assert not PathwayStage.objects.exists()


def test_responsible_person_must_belong_to_the_organisation_holding_the_case(worker, case, org_b, member):
    outsider = member(Role.CASE_WORKER, org_b)
    with pytest.raises(ValidationError) as error:
        pathway_stage_update(
            acting=acting_of(worker),
            case=case,
            stage="hotline",
            status="in_progress",
            responsible_user_id=outsider.user_id,
        )
    assert error.value.message_dict == {
        "responsible_user": ["Choose someone from the organisation that holds the case."]
    }


CONSENT = "the person's written, informed consent to return is not recorded"
CONFIRMATION = "the receiving provider's confirmation is not recorded"


def _return_refusal(worker, case, status="in_progress"):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        pathway_stage_update(acting=acting_of(worker), case=case, stage="return", status=status)
    assert not PathwayStage.objects.filter(stage="return").exists()
    return error.value.message_dict["status"][0]


def test_return_cannot_start_without_consent_and_confirmation(worker, case):
    message = _return_refusal(worker, case)
    assert message == f"The return stage cannot start or finish: {CONSENT}; {CONFIRMATION}."
    assert _return_refusal(worker, case, status="done") == message


def test_return_with_consent_only_says_the_confirmation_is_missing(worker, case):
    return_consent_record(acting=acting_of(worker), case=case, given_on=TODAY, language="uk")
    assert _return_refusal(worker, case) == f"The return stage cannot start or finish: {CONFIRMATION}."


def test_return_with_confirmation_only_says_the_consent_is_missing(worker, case, org_b):
    return_confirmation_record(acting=acting_of(worker), case=case, confirmed_on=TODAY, provider_name="La Strada Kyiv")
    assert _return_refusal(worker, case) == f"The return stage cannot start or finish: {CONSENT}."


def test_return_starts_once_both_are_recorded_and_may_then_be_not_needed_freely(worker, case, org_b):
    acting = acting_of(worker)
    pathway_stage_update(acting=acting, case=case, stage="return", status="not_needed")
    return_consent_record(acting=acting, case=case, given_on=TODAY, language="uk")
    preparation = return_confirmation_record(acting=acting, case=case, confirmed_on=TODAY, organisation=org_b)
    assert preparation.consent_recorded_by == worker.user
    assert preparation.consent_language == "uk"
    assert preparation.confirmation_provider == org_b.name
    row = pathway_stage_update(acting=acting, case=case, stage="return", status="in_progress")
    assert row.status == "in_progress"


def test_return_confirmation_needs_exactly_one_provider(worker, case, org_b):
    with pytest.raises(ValidationError) as error:
        return_confirmation_record(acting=acting_of(worker), case=case, confirmed_on=TODAY)
    assert "provider_name" in error.value.message_dict
    with pytest.raises(ValidationError):
        return_confirmation_record(
            acting=acting_of(worker), case=case, confirmed_on=TODAY, organisation=org_b, provider_name="Other"
        )


def test_a_stage_past_its_planned_end_is_late_until_finished(worker, case):
    acting = acting_of(worker)
    yesterday = TODAY - datetime.timedelta(days=1)
    pathway_stage_update(
        acting=acting,
        case=case,
        stage="crisis_intervention",
        status="in_progress",
        started_on=TODAY - datetime.timedelta(days=10),
        planned_end=yesterday,
    )
    assert [s.code for s in pathway_for(case) if s.is_late] == ["crisis_intervention"]
    pathway_stage_update(acting=acting, case=case, stage="crisis_intervention", status="done", planned_end=yesterday)
    assert not any(s.is_late for s in pathway_for(case))


def test_only_case_workers_of_the_owning_organisation_update_the_pathway(case, org_a, org_b, member):
    for membership in (
        member(Role.DECISION_MAKER, org_a),
        member(Role.FIRST_RESPONDER, org_a),
        member(Role.CASE_WORKER, org_b),
    ):
        with pytest.raises(PermissionDenied):
            pathway_stage_update(acting=acting_of(membership), case=case, stage="hotline", status="in_progress")
    assert not PathwayStage.objects.exists()


# --- Recovery and reflection period ---------------------------------------------------------------


def period_of(case):  # type: ignore[no-untyped-def]
    """The case's recovery period, as its pages and the API read it."""
    return recovery_periods_for([case]).get(case.pk)


def test_a_positive_reasonable_grounds_decision_opens_the_recovery_period(worker, case, org_a, member):
    decider = member(Role.DECISION_MAKER, org_a)
    screening = submitted_screening(worker, case)
    assert period_of(case) is None
    decide(decider, screening, "positive", TODAY)
    period = period_of(case)
    assert period is not None
    assert (period.started_on, period.ends_on, period.source) == (
        TODAY,
        TODAY + datetime.timedelta(days=30),
        "decision",
    )
    assert period.is_running
    assert period.days_left == 30


def test_the_recovery_period_length_follows_the_setting(worker, case, org_a, member, settings):
    settings.PALERMO_RECOVERY_PERIOD_DAYS = 90
    decide(member(Role.DECISION_MAKER, org_a), submitted_screening(worker, case), "positive", TODAY)
    assert period_of(case).ends_on == TODAY + datetime.timedelta(days=90)


def test_a_negative_decision_or_a_reconsidered_one_opens_no_period(worker, case, org_a, member):
    decider = member(Role.DECISION_MAKER, org_a)
    screening = submitted_screening(worker, case)
    decide(decider, screening, "negative", TODAY)
    assert period_of(case) is None
    decide(decider, screening, "positive", TODAY)
    assert period_of(case) is not None
    decide(decider, screening, "negative", TODAY)  # reconsidered: the positive one is superseded
    assert period_of(case) is None


def test_a_decision_on_someone_elses_screening_does_not_count(worker, case, org_a, member):
    other_case = open_case(worker)
    decide(member(Role.DECISION_MAKER, org_a), submitted_screening(worker, other_case), "positive", TODAY)
    assert period_of(case) is None
    assert period_of(other_case) is not None


def test_the_period_can_be_started_by_hand_and_a_decision_takes_precedence(worker, case, org_a, member):
    started = TODAY - datetime.timedelta(days=40)
    recovery_period_start(acting=acting_of(worker), case=case, started_on=started)
    period = period_of(case)
    assert (period.started_on, period.ends_on, period.source) == (
        started,
        started + datetime.timedelta(days=30),
        "manual",
    )
    assert period.has_ended
    decide(member(Role.DECISION_MAKER, org_a), submitted_screening(worker, case), "positive", TODAY)
    assert period_of(case).source == "decision"


def test_a_period_cannot_start_in_the_future(worker, case):
    with pytest.raises(ValidationError) as error:
        recovery_period_start(acting=acting_of(worker), case=case, started_on=TODAY + datetime.timedelta(days=1))
    assert error.value.message_dict == {"started_on": ["The period cannot start in the future."]}
