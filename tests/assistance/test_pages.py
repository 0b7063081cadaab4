"""The assistance page of a case and "my work", through the browser's requests: who may open and
change what, what each form does with good and bad input, and that reads are audited."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from palermo.assistance.models import PathwayStage, PlanItem, RiskAssessment
from palermo.assistance.services import risk_assessment_record
from palermo.audit.models import AuditEntry
from palermo.cases.services import case_open
from palermo.organisations.models import Role
from palermo.people.services import person_create
from palermo.worklist.models import Task
from tests.assistance.helpers import open_case
from tests.conftest import acting_of, nothing_changes, signed_in_client

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def worker(org_a, member):
    return member(Role.CASE_WORKER, org_a)


@pytest.fixture
def case(worker):
    return open_case(worker)


def panel(case):  # type: ignore[no-untyped-def]
    return f"/cases/{case.pk}/assistance/"


# --- Who may open the page ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "forms"),
    [
        ("case_worker", 200, True),
        ("decision_maker", 200, False),
        ("first_responder", 404, False),  # not a case they opened
        ("coordinator", 404, False),
        ("analyst", 404, False),
        ("org_admin", 404, False),
        ("other_organisation", 404, False),
    ],
)
def test_who_may_open_a_cases_assistance(case, org_a, org_b, member, who, status, forms):
    membership = member(Role.CASE_WORKER, org_b) if who == "other_organisation" else member(who, org_a)
    response = signed_in_client(membership).get(panel(case))
    assert response.status_code == status
    if status == 200:
        assert (b'action="/cases/%d/assistance/risk/"' % case.pk in response.content) is forms
        assert AuditEntry.objects.filter(action="assistance.view", object_id=str(case.pk)).count() == 1
    else:
        assert b"Scheme of assistance" not in response.content


def test_a_first_responder_sees_the_assistance_of_a_case_they_opened_but_cannot_change_it(org_a, member):
    responder = member(Role.FIRST_RESPONDER, org_a)
    acting = acting_of(responder)
    case = case_open(acting=acting, person=person_create(acting=acting, given_names="Ana"))
    client = signed_in_client(responder)
    assert client.get(panel(case)).status_code == 200
    with nothing_changes(reads_audited=True):  # the responder may read the case they opened, audited
        response = client.post(panel(case) + "risk/", {"risk-level": "low", "risk-review_on": TODAY.isoformat()})
    assert response.status_code == 403
    assert not RiskAssessment.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(case):
    assert Client().get(panel(case)).status_code == 302
    assert Client().post(panel(case) + "plan/", {"plan-service": "legal"}).status_code == 302
    assert Client().get("/work/").status_code == 302
    assert not PlanItem.objects.exists()


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("stages/hotline/", {"stage-hotline-status": "in_progress"}),
        ("plan/", {"plan-service": "legal", "plan-variant": "destination", "plan-status": "planned"}),
        ("risk/", {"risk-level": "low", "risk-review_on": "2030-01-01"}),
        ("risk/reviews/", {"review-event": "incident", "review-due_on": "2030-01-01"}),
        ("recovery/", {"recovery-started_on": "2026-01-01"}),
        ("return/consent/", {"consent-given_on": "2026-01-01", "consent-language": "uk"}),
    ],
)
@pytest.mark.parametrize(("who", "status"), [("decision_maker", 403), ("other_organisation", 404)])
def test_no_one_but_the_owning_case_workers_can_change_anything(case, org_a, org_b, member, path, data, who, status):
    membership = member(Role.CASE_WORKER, org_b) if who == "other_organisation" else member(who, org_a)
    response = signed_in_client(membership).post(panel(case) + path, data)
    assert response.status_code == status
    assert not PathwayStage.objects.exists()
    assert not PlanItem.objects.exists()
    assert not RiskAssessment.objects.exists()
    assert not AuditEntry.objects.filter(action__in=["pathway.update", "plan_item.add", "risk.assess"]).exists()


# --- What the forms do --------------------------------------------------------------------------------


def test_moving_a_stage_shows_where_the_person_is(worker, case):
    client = signed_in_client(worker)
    response = client.post(
        panel(case) + "stages/safe_place/",
        {
            "stage-safe_place-status": "in_progress",
            "stage-safe_place-activities": ["catalogue:0"],
            "stage-safe_place-responsible_name": "Municipal police",
            "return_to": panel(case),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == panel(case) + "#stage-safe_place"
    page = client.get(panel(case)).content.decode()
    assert 'data-testid="current-stage">Reaching a safe place<' in page
    assert 'aria-current="step" data-stage="safe_place"' in page
    assert "Responsible: Municipal police" in page


def test_the_case_page_lists_the_activities_done_and_only_those(worker, case):
    client = signed_in_client(worker)
    client.post(
        panel(case) + "stages/safe_place/",
        {
            "stage-safe_place-status": "in_progress",
            "stage-safe_place-activities": ["catalogue:1"],
            "stage-safe_place-other_activities": "Phone lent for the journey",
            "return_to": panel(case),
        },
    )
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    done = page.split('id="stage-safe_place"', 1)[1].split('<ul class="activities">', 1)[1].split("</ul>", 1)[0]
    assert done == "<li>✓ Meeting the person on arrival (airport, station)</li><li>✓ Phone lent for the journey</li>"
    untouched = page.split('id="stage-referral"', 1)[1].split('<ul class="activities">', 1)[1].split("</ul>", 1)[0]
    assert untouched == ""


def test_the_return_stage_refusal_is_shown_on_the_page_with_what_is_missing(worker, case):
    client = signed_in_client(worker)
    with nothing_changes(reads_audited=True):  # the assistance page comes back, its read audited
        response = client.post(panel(case) + "stages/return/", {"stage-return-status": "in_progress"})
    assert response.status_code == 400
    assert (
        "The return stage cannot start or finish: the person&#x27;s written, informed consent to return is not "
        "recorded; the receiving provider&#x27;s confirmation is not recorded." in response.content.decode()
    )
    assert not PathwayStage.objects.exists()


def test_a_high_risk_is_prominent_and_an_overdue_review_is_flagged(worker, case):
    client = signed_in_client(worker)
    response = client.post(
        panel(case) + "risk/",
        {
            "risk-level": "high",
            "risk-review_on": (TODAY + 7 * DAY).isoformat(),
            "risk-traffickers_rating": "high",
            "risk-traffickers_note": "Seen outside the shelter",
        },
    )
    assert response.status_code == 302
    page = client.get(panel(case)).content.decode()
    assert 'data-testid="risk-high"' in page
    assert "Seen outside the shelter" in page
    assert 'data-testid="risk-overdue"' not in page

    risk_assessment_record(
        acting=acting_of(worker), case=case, level="low", assessed_on=TODAY - 9 * DAY, review_on=TODAY - DAY, factors=[]
    )
    page = client.get(panel(case)).content.decode()
    # The newest assessment is the one dated latest: still the high one, whose review is not due.
    assert 'data-testid="risk-high"' in page
    risk_assessment_record(acting=acting_of(worker), case=case, level="medium", review_on=TODAY, factors=[])
    assert 'data-testid="risk-high"' not in client.get(panel(case)).content.decode()


def test_bad_input_comes_back_with_the_message_and_what_was_typed(worker, case):
    response = signed_in_client(worker).post(
        panel(case) + "plan/",
        {
            "plan-service": "legal",
            "plan-variant": "destination",
            "plan-status": "planned",
            "plan-provider_name": "Lawyers for Justice",
            "plan-starts_on": TODAY.isoformat(),
            "plan-ends_on": (TODAY - DAY).isoformat(),
            "plan-notes": "Court on Monday",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This date is before the start date." in page
    assert 'value="Lawyers for Justice"' in page
    assert "Court on Monday</textarea>" in page
    assert not PlanItem.objects.exists()


def test_a_form_only_returns_to_the_cases_own_pages(worker, case):
    response = signed_in_client(worker).post(
        panel(case) + "recovery/",
        {"recovery-started_on": TODAY.isoformat(), "return_to": "https://evil.example/cases/1/"},
    )
    assert response["Location"] == panel(case) + "#recovery"
    response = signed_in_client(worker).post(
        panel(case) + "recovery/", {"recovery-started_on": TODAY.isoformat(), "return_to": f"/cases/{case.pk}/"}
    )
    assert response["Location"] == f"/cases/{case.pk}/#recovery"


def test_changing_a_plan_items_status_from_the_table(worker, case):
    client = signed_in_client(worker)
    client.post(
        panel(case) + "plan/", {"plan-service": "medical", "plan-variant": "destination", "plan-status": "planned"}
    )
    item = PlanItem.objects.get()
    response = client.post(panel(case) + f"plan/{item.pk}/status/", {f"item-{item.pk}-status": "delivered"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "delivered"


# --- My work -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("case_worker", 200),
        ("first_responder", 200),
        ("decision_maker", 200),
        ("coordinator", 403),
        ("analyst", 403),
        ("org_admin", 403),
    ],
)
def test_who_has_a_my_work_page(org_a, member, role, status):
    assert signed_in_client(member(role, org_a)).get("/work/").status_code == status


def test_my_work_lists_items_by_group_and_tasks_can_be_added_and_ticked(worker, case):
    risk_assessment_record(
        acting=acting_of(worker),
        case=case,
        level="medium",
        assessed_on=TODAY - 9 * DAY,
        review_on=TODAY - DAY,
        factors=[],
    )
    client = signed_in_client(worker)
    response = client.post(
        "/work/tasks/",
        {
            "task-title": "Book an interpreter",
            "task-due_on": TODAY.isoformat(),
            "task-case_reference": case.reference.lower(),
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.case == case
    page = client.get("/work/").content.decode()
    overdue = page[page.index('data-testid="group-overdue"') : page.index('data-testid="group-today"')]
    today = page[page.index('data-testid="group-today"') : page.index('data-testid="group-week"')]
    assert f"Review the risk assessment of case {case.reference}" in overdue
    assert "Book an interpreter" in today
    assert AuditEntry.objects.filter(action="worklist.view").last().detail == {"items": 2}

    assert client.post(f"/work/tasks/{task.pk}/done/", {"done": "1"}).status_code == 302
    task.refresh_from_db()
    assert task.is_done
    assert "Book an interpreter" not in client.get("/work/").content.decode().split("Recently done")[0]


def test_a_task_needs_a_title_and_a_date(worker):
    client = signed_in_client(worker)
    with nothing_changes(reads_audited=True):
        response = client.post("/work/tasks/", {"task-title": "", "task-due_on": ""})
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 2
    assert not Task.objects.exists()


def test_a_task_can_only_name_a_case_the_user_may_open(worker, org_b, member):
    foreign = open_case(member(Role.CASE_WORKER, org_b))
    client = signed_in_client(worker)
    with nothing_changes(reads_audited=True):
        response = client.post(
            "/work/tasks/",
            {"task-title": "Visit", "task-due_on": TODAY.isoformat(), "task-case_reference": foreign.reference},
        )
    assert response.status_code == 400
    assert "None of the cases you may open has this reference." in response.content.decode()
    assert 'value="Visit"' in response.content.decode()
    assert not Task.objects.exists()


def test_nobody_ticks_off_someone_elses_task(worker, org_a, member):
    signed_in_client(worker).post("/work/tasks/", {"task-title": "Mine", "task-due_on": TODAY.isoformat()})
    task = Task.objects.get()
    colleague = signed_in_client(member(Role.CASE_WORKER, org_a))
    with nothing_changes():
        assert colleague.post(f"/work/tasks/{task.pk}/done/").status_code == 404
    task.refresh_from_db()
    assert not task.is_done


def test_the_case_workers_home_page_has_a_my_work_card(worker):
    signed_in_client(worker).post("/work/tasks/", {"task-title": "Mine", "task-due_on": TODAY.isoformat()})
    page = signed_in_client(worker).get("/").content.decode()
    assert 'data-testid="my-work-card"' in page
    assert "<strong>1</strong> due today" in page


@pytest.mark.django_db
def test_the_case_page_shows_the_assistance_read_only_with_a_link_to_change_it(worker, case):
    risk_assessment_record(
        acting=acting_of(worker), case=case, level="high", review_on=timezone.localdate(), factors=[]
    )
    page = signed_in_client(worker).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="risk-high"' in page
    assert f'href="/cases/{case.pk}/assistance/"' in page
    # The edit forms (eight stages, plan, risk, return) live on the assistance page only.
    assert f"/cases/{case.pk}/assistance/stages/" not in page
    assert f"/cases/{case.pk}/assistance/risk/" not in page
    panel = signed_in_client(worker).get(f"/cases/{case.pk}/assistance/").content.decode()
    assert panel.count('action="/cases/') >= 10
