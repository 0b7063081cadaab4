"""The assistance and work list API: same rules as the pages, the API's error shape, the schema."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from palermo.assistance.models import PathwayStage, PlanItem, RiskAssessment
from palermo.audit.models import AuditEntry
from palermo.organisations.models import Role
from palermo.worklist.models import Task
from tests.assistance.helpers import open_case
from tests.conftest import api_client, nothing_changes

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def worker(org_a, member):
    return member(Role.CASE_WORKER, org_a)


@pytest.fixture
def case(worker):
    return open_case(worker)


def test_the_pathway_through_the_api(worker, case):
    client = api_client(worker)
    response = client.get(f"/api/v1/cases/{case.pk}/pathway")
    assert response.status_code == 200
    body = response.json()
    assert [s["stage"] for s in body["stages"]][:2] == ["hotline", "safe_place"]
    assert body["recovery_period"] is None
    assert body["return_preparation"]["missing"] == [
        "the person's written, informed consent to return is not recorded",
        "the receiving provider's confirmation is not recorded",
    ]

    response = client.post(
        f"/api/v1/cases/{case.pk}/pathway",
        {"stage": "hotline", "status": "done", "activities": ["catalogue:0", "Night call"]},
        format="json",
    )
    assert response.status_code == 200
    hotline = response.json()["stages"][0]
    assert (hotline["status"], hotline["completed_on"], hotline["other_activities"]) == (
        "done",
        TODAY.isoformat(),
        ["Night call"],
    )
    assert hotline["activities"][0]["done"] is True
    assert response.json()["stages"][1]["is_current"] is True


def test_the_return_stage_refusal_in_the_api_error_shape(worker, case):
    client = api_client(worker)
    client.post(
        f"/api/v1/cases/{case.pk}/return/consent", {"given_on": TODAY.isoformat(), "language": "ro"}, format="json"
    )
    with nothing_changes(reads_audited=True):
        response = client.post(
            f"/api/v1/cases/{case.pk}/pathway", {"stage": "return", "status": "in_progress"}, format="json"
        )
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "Some fields are not valid.",
            "fields": {
                "status": [
                    "The return stage cannot start or finish: the receiving provider's confirmation is not recorded."
                ]
            },
        }
    }
    response = client.post(
        f"/api/v1/cases/{case.pk}/return/confirmation",
        {"confirmed_on": TODAY.isoformat(), "provider_name": "Reintegration Centre Iasi"},
        format="json",
    )
    assert response.json()["return_preparation"]["missing"] == []
    response = client.post(
        f"/api/v1/cases/{case.pk}/pathway", {"stage": "return", "status": "in_progress"}, format="json"
    )
    assert response.status_code == 200
    assert PathwayStage.objects.get(stage="return").status == "in_progress"


def test_plan_items_crud(worker, case, org_b):
    client = api_client(worker)
    url = f"/api/v1/cases/{case.pk}/plan"
    response = client.post(
        url,
        {"service": "psychological", "variant": "destination", "provider_organisation": org_b.pk, "notes": "Weekly"},
        format="json",
    )
    assert response.status_code == 201
    item = response.json()
    assert (item["service_label"], item["provider"], item["status"], item["notes"]) == (
        "Psychological support",
        org_b.name,
        "planned",
        "Weekly",
    )
    response = client.patch(f"{url}/{item['id']}", {"status": "delivered"}, format="json")
    assert response.json()["status"] == "delivered"
    assert [i["id"] for i in client.get(url).json()] == [item["id"]]
    with nothing_changes(reads_audited=True):
        bad = client.post(url, {"service": "teleportation"}, format="json")
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["service"]
    assert client.delete(f"{url}/{item['id']}").status_code == 204
    assert not PlanItem.objects.exists()
    assert AuditEntry.objects.filter(action="plan_item.delete").count() == 1


def test_risk_assessments_through_the_api(worker, case):
    client = api_client(worker)
    url = f"/api/v1/cases/{case.pk}/risk-assessments"
    response = client.post(
        url,
        {
            "level": "high",
            "review_on": (TODAY + 7 * DAY).isoformat(),
            "factors": [{"kind": "family", "rating": "high", "note": "Mother threatened"}],
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["factors"] == [
        {"kind": "family", "label": "", "rating": "high", "note": "Mother threatened"}
    ]
    client.post(
        f"/api/v1/cases/{case.pk}/risk-reviews",
        {"event": "court_hearing", "due_on": (TODAY - DAY).isoformat()},
        format="json",
    )
    body = client.get(url).json()
    assert (body["level"], body["next_review_on"], body["review_overdue"]) == ("high", (TODAY - DAY).isoformat(), True)
    assert [r["event"] for r in body["open_reviews"]] == ["court_hearing"]
    assert len(body["assessments"]) == 1
    with nothing_changes(reads_audited=True):
        assert client.post(url, {"level": "computed", "review_on": "2030-01-01"}, format="json").status_code == 400


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("case_worker", 200, 201),
        ("decision_maker", 200, 403),
        # A role without the capability is refused outright (403); one with it finds no such case (404).
        ("first_responder", 404, 403),
        ("coordinator", 403, 403),
        ("other_organisation", 404, 404),
    ],
)
def test_api_authorisation(case, org_a, org_b, member, who, read, write):
    membership = member(Role.CASE_WORKER, org_b) if who == "other_organisation" else member(who, org_a)
    client = api_client(membership)
    for path in ("pathway", "plan", "risk-assessments"):
        assert client.get(f"/api/v1/cases/{case.pk}/{path}").status_code == read, path
    response = client.post(
        f"/api/v1/cases/{case.pk}/risk-assessments", {"level": "low", "review_on": "2030-01-01"}, format="json"
    )
    assert response.status_code == write
    if write != 201:
        assert not RiskAssessment.objects.exists()
        assert "error" in response.json()


def test_anonymous_api_calls_are_refused(case):
    for path in (f"/api/v1/cases/{case.pk}/pathway", "/api/v1/work"):
        assert APIClient().get(path).status_code == 401


def test_work_and_tasks_through_the_api(worker, org_a, member):
    client = api_client(worker)
    response = client.post("/api/v1/tasks", {"title": "Phone the shelter", "due_on": TODAY.isoformat()}, format="json")
    assert response.status_code == 201
    task = response.json()
    assert (task["title"], task["done"], task["assignee"]) == ("Phone the shelter", False, worker.user_id)
    work = client.get("/api/v1/work").json()
    assert [(w["group"], w["kind"], w["title"]) for w in work] == [("today", "task", "Phone the shelter")]
    colleague = api_client(member(Role.CASE_WORKER, org_a))
    with nothing_changes():
        assert colleague.patch(f"/api/v1/tasks/{task['id']}", {"done": True}, format="json").status_code == 404
    response = client.patch(f"/api/v1/tasks/{task['id']}", {"done": True}, format="json")
    assert response.json()["done"] is True
    assert Task.objects.get().is_done
    assert client.get("/api/v1/work").json() == []
    assert api_client(member(Role.ANALYST, org_a)).get("/api/v1/work").status_code == 403


def test_the_schema_describes_the_new_paths(worker):
    schema = APIClient().get("/api/v1/schema", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/cases/{case_id}/pathway",
        "/api/v1/cases/{case_id}/plan/{item_id}",
        "/api/v1/cases/{case_id}/risk-assessments",
        "/api/v1/work",
        "/api/v1/tasks/{task_id}",
    ):
        assert path in schema
