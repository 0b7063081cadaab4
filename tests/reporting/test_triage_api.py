"""The recipients' triage API: tips of their own organisation only, with reply and triage."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from palermo.audit.models import AuditEntry
from palermo.organisations.models import Role
from palermo.reporting.models import TipRoute
from tests.conftest import api_client, nothing_changes


@pytest.fixture
def tip_and_receipt(org_a):  # type: ignore[no-untyped-def]
    cache.clear()
    TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=org_a)
    receipt = (
        APIClient()
        .post("/api/v1/public/tips", {"description": "Seen at the quarry", "language": "en"}, format="json")
        .json()["receipt"]
    )
    return receipt


@pytest.mark.django_db
def test_a_case_worker_triages_and_answers_through_the_api(org_a, member, tip_and_receipt):
    api = api_client(member(Role.CASE_WORKER, org_a))
    inbox = api.get("/api/v1/tips").json()
    assert inbox["count"] == 1
    assert "content" not in inbox["results"][0]
    tip_id = inbox["results"][0]["id"]
    assert api.get(f"/api/v1/tips/{tip_id}").json()["content"] == {"description": "Seen at the quarry"}
    assert (
        api.post(f"/api/v1/tips/{tip_id}/reply", {"body": "Thank you, we will look."}, format="json").status_code == 201
    )
    triaged = api.post(f"/api/v1/tips/{tip_id}/triage", {"status": "triaged", "priority": "high"}, format="json")
    assert (triaged.json()["status"], triaged.json()["priority"]) == ("triaged", "high")
    assert api.get("/api/v1/tips", {"status": "new"}).json()["count"] == 0
    with nothing_changes(reads_audited=True):
        assert api.get("/api/v1/tips", {"status": "lost"}).status_code == 400
        bad = api.post(f"/api/v1/tips/{tip_id}/triage", {"status": "burnt"}, format="json")
    assert bad.status_code == 400
    conversation = APIClient().post("/api/v1/public/tips/messages", {"receipt": tip_and_receipt}, format="json").json()
    assert conversation["messages"] == [{"from": "organisation", "body": "Thank you, we will look."}]
    assert AuditEntry.objects.filter(action="tip.view", channel="api").exists()


@pytest.mark.django_db
def test_other_organisations_and_other_roles_get_nothing(org_a, org_b, member, tip_and_receipt):
    tip_id = api_client(member(Role.CASE_WORKER, org_a)).get("/api/v1/tips").json()["results"][0]["id"]
    outsider = api_client(member(Role.CASE_WORKER, org_b))
    assert outsider.get("/api/v1/tips").json()["count"] == 0
    with nothing_changes():
        assert outsider.get(f"/api/v1/tips/{tip_id}").status_code == 404
        assert outsider.post(f"/api/v1/tips/{tip_id}/reply", {"body": "x"}, format="json").status_code == 404
    for role in (Role.ANALYST, Role.FIRST_RESPONDER, Role.ORG_ADMIN):
        assert api_client(member(role, org_a)).get("/api/v1/tips").status_code == 403
