"""Risk assessments: the worker's level, factors with encrypted notes, review dates, event-triggered
reviews, overdue flags and the kept history."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from palermo.assistance.models import RiskAssessment, RiskReview
from palermo.assistance.selectors import risk_summary_for
from palermo.assistance.services import risk_assessment_record, risk_review_request
from palermo.audit.models import AuditEntry
from palermo.organisations.models import Role
from tests.assistance.helpers import open_case
from tests.conftest import acting_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def worker(org_a, member):
    return member(Role.CASE_WORKER, org_a)


@pytest.fixture
def case(worker):
    return open_case(worker)


def assess(worker, case, level="high", review_on=TODAY + 14 * DAY, **kwargs):  # type: ignore[no-untyped-def]
    factors = kwargs.pop(
        "factors",
        [
            {"kind": "traffickers", "rating": "high", "note": "Recruiter phoned her sister in Lviv"},
            {"kind": "re_trafficking", "rating": "medium", "note": ""},
            {"kind": "other", "label": "Debt to the landlord", "rating": "low", "note": ""},
        ],
    )
    return risk_assessment_record(
        acting=acting_of(worker), case=case, level=level, review_on=review_on, factors=factors, **kwargs
    )


def test_an_assessment_keeps_the_workers_level_factors_and_review_date(worker, case):
    # Every factor rated low, and still the worker's "high" stands: the level is never computed.
    assessment = assess(worker, case, factors=[{"kind": "health", "rating": "low", "note": ""}])
    summary = risk_summary_for(case)
    assert summary.current == assessment
    assert (assessment.level, assessment.assessed_on, assessment.review_on) == ("high", TODAY, TODAY + 14 * DAY)
    assert summary.is_high
    assert summary.next_review_on == TODAY + 14 * DAY
    assert not summary.is_overdue


def test_factor_notes_and_added_factors_are_encrypted_and_kept_out_of_the_audit_trail(worker, case):
    assessment = assess(worker, case)
    assert [(f.kind, f.label, f.rating) for f in assessment.factors.all()] == [
        ("traffickers", "", "high"),
        ("re_trafficking", "", "medium"),
        ("other", "Debt to the landlord", "low"),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT label, note FROM assistance_riskfactor")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert "Lviv" not in stored
    assert "landlord" not in stored
    entry = AuditEntry.objects.get(action="risk.assess")
    assert entry.detail == {
        "case": case.pk,
        "factors": ["traffickers", "re_trafficking", "other"],
        "answers_reviews": [],
    }
    assert "high" not in str(entry.detail)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"level": "extreme"}, "level", "Set the overall risk level: low, medium or high."),
        ({"review_on": TODAY - DAY}, "review_on", "The review date must be on or after the assessment."),
        (
            {"assessed_on": TODAY + DAY, "review_on": TODAY + 5 * DAY},
            "assessed_on",
            "An assessment cannot be dated in the future.",
        ),
        ({"factors": [{"kind": "other", "rating": "high"}]}, "factors", "Factor 1: name the risk you add."),
        ({"factors": [{"kind": "health", "rating": "terrible"}]}, "factors", "Factor 1: choose a rating."),
    ],
)
def test_bad_assessments_say_what_is_wrong_and_store_nothing(worker, case, kwargs, field, message):
    with pytest.raises(ValidationError) as error:
        assess(worker, case, **kwargs)
    assert error.value.message_dict[field] == [message]
    assert not RiskAssessment.objects.exists()


def test_a_review_date_that_has_passed_is_flagged_overdue(worker, case):
    assess(worker, case, level="medium", assessed_on=TODAY - 20 * DAY, review_on=TODAY - DAY)
    summary = risk_summary_for(case)
    assert summary.is_overdue
    assert not summary.is_high
    # A new assessment is the review: the flag goes, the history stays.
    assess(worker, case, level="low", review_on=TODAY + 30 * DAY)
    summary = risk_summary_for(case)
    assert not summary.is_overdue
    assert [a.level for a in summary.history] == ["low", "medium"]


def test_an_event_asks_for_a_review_due_before_the_regular_one(worker, case):
    assess(worker, case, review_on=TODAY + 60 * DAY)
    review = risk_review_request(acting=acting_of(worker), case=case, event="court_hearing", due_on=TODAY + 3 * DAY)
    summary = risk_summary_for(case)
    assert summary.open_reviews == [review]
    assert summary.next_review_on == TODAY + 3 * DAY
    # The next assessment answers it.
    answer = assess(worker, case, level="medium", review_on=TODAY + 30 * DAY)
    review.refresh_from_db()
    assert review.answered_by == answer
    assert risk_summary_for(case).open_reviews == []


def test_an_event_review_past_its_date_is_overdue_even_before_any_assessment(worker, case):
    review = risk_review_request(
        acting=acting_of(worker), case=case, event="incident", due_on=TODAY - DAY, note="Seen at the station"
    )
    assert review.is_overdue
    summary = risk_summary_for(case)
    assert summary.current is None
    assert summary.is_overdue
    with pytest.raises(ValidationError):
        risk_review_request(acting=acting_of(worker), case=case, event="birthday", due_on=TODAY)
    assert RiskReview.objects.count() == 1


def test_only_case_workers_of_the_owning_organisation_assess(case, org_a, org_b, member):
    for membership in (
        member(Role.DECISION_MAKER, org_a),
        member(Role.FIRST_RESPONDER, org_a),
        member(Role.CASE_WORKER, org_b),
    ):
        with pytest.raises(PermissionDenied):
            assess(membership, case)
        with pytest.raises(PermissionDenied):
            risk_review_request(acting=acting_of(membership), case=case, event="incident", due_on=TODAY)
    assert not RiskAssessment.objects.exists()
