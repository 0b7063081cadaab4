"""Screenings and decisions through the API: the same services, scope and rules as the pages."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from palermo.identification.models import IdentificationDecision, Screening
from palermo.organisations.models import Role
from tests.conftest import api_client, nothing_changes

LABOUR = "ilo-2009-adult-labour"
INDICATED = {
    "catalogue": LABOUR,
    "reference": "Farm, north road",
    "age": 41,
    "answers": {
        "dr.nature_of_job": "yes",
        "dr.wages": "yes",
        "ec.excessive_hours": "yes",
        "ec.low_or_no_salary": "yes",
        "cd.documents": "yes",
        "cd.threats": "yes",
    },
    "notes": {"cd.documents": "Passport kept by the farm manager"},
    "palermo": {"act": ["recruitment"], "means": ["deception"], "purpose": ["forced_labour_or_services"]},
}


@pytest.mark.django_db
def test_a_screening_recorded_through_the_api_gives_the_same_result_as_evaluate(org_a, member):
    api = api_client(member(Role.FIRST_RESPONDER, org_a))
    created = api.post("/api/v1/screenings", INDICATED, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    evaluated = api.post(
        "/api/v1/screenings/evaluate",
        {k: INDICATED[k] for k in ("catalogue", "age", "answers", "palermo")},
        format="json",
    )
    assert body["result"] == evaluated.json()
    assert body["outcome"] == "indicated"
    assert body["responses"]["notes"] == {"cd.documents": "Passport kept by the farm manager"}
    listed = api.get("/api/v1/screenings").json()
    assert [s["id"] for s in listed["results"]] == [body["id"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"catalogue": "nope"}, "catalogue"),
        ({"answers": {"dr.nonsense": "yes"}}, "answers"),
        ({"answers": {"dr.wages": "often"}}, "answers"),
        ({"age": -2}, "age"),
        ({"palermo": {"act": ["teleport"]}}, "palermo"),
    ],
)
def test_bad_screenings_are_refused_and_nothing_is_stored(org_a, member, change, field):
    api = api_client(member(Role.FIRST_RESPONDER, org_a))
    with nothing_changes():
        response = api.post("/api/v1/screenings", {**INDICATED, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Screening.objects.count() == 0


@pytest.mark.django_db
def test_refer_and_decide_through_the_api(org_a, org_b, member):
    responder_api = api_client(member(Role.FIRST_RESPONDER, org_a))
    screening = responder_api.post("/api/v1/screenings", INDICATED, format="json").json()
    referred = responder_api.post(f"/api/v1/screenings/{screening['id']}/refer").json()
    assert referred["identification"]["reasonable_grounds"] is None
    assert referred["identification"]["reasonable_grounds_due"]

    decision = {
        "stage": "reasonable_grounds",
        "result": "positive",
        "decided_on": timezone.localdate().isoformat(),
        "reasoning": "Clear signs.",
    }
    outsider = api_client(member(Role.DECISION_MAKER, org_b))
    with nothing_changes(reads_audited=True):  # the responder reads their own screening, audited
        by_responder = responder_api.post(f"/api/v1/screenings/{screening['id']}/decisions", decision, format="json")
    with nothing_changes():
        by_outsider = outsider.post(f"/api/v1/screenings/{screening['id']}/decisions", decision, format="json")
    assert by_responder.status_code == 403
    assert by_outsider.status_code == 404
    decider = api_client(member(Role.DECISION_MAKER, org_a))
    recorded = decider.post(f"/api/v1/screenings/{screening['id']}/decisions", decision, format="json")
    assert recorded.status_code == 201
    detail = decider.get(f"/api/v1/screenings/{screening['id']}").json()
    ends = timezone.localdate() + datetime.timedelta(days=30)
    assert detail["identification"]["recovery_period_ends"] == ends.isoformat()
    premature = {**decision, "stage": "conclusive", "result": "identified_victim", "decided_on": "2999-01-01"}
    with nothing_changes(reads_audited=True):
        refused = decider.post(f"/api/v1/screenings/{screening['id']}/decisions", premature, format="json")
    assert refused.status_code == 400
    assert "decided_on" in refused.json()["error"]["fields"]
    assert IdentificationDecision.objects.count() == 1
    history = decider.get(f"/api/v1/screenings/{screening['id']}/decisions").json()
    assert [d["result"] for d in history] == ["positive"]


@pytest.mark.django_db
def test_screenings_of_another_organisation_are_not_found(org_a, org_b, member):
    screening = (
        api_client(member(Role.FIRST_RESPONDER, org_a)).post("/api/v1/screenings", INDICATED, format="json").json()
    )
    outsider, analyst = api_client(member(Role.CASE_WORKER, org_b)), api_client(member(Role.ANALYST, org_a))
    with nothing_changes():
        assert outsider.get(f"/api/v1/screenings/{screening['id']}").status_code == 404
        assert analyst.get("/api/v1/screenings").status_code == 403
    assert outsider.get("/api/v1/screenings").json()["count"] == 0
