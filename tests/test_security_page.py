"""The user's own security page: tokens made and revoked in the browser, recovery codes renewed."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from palermo.accounts.models import ApiToken
from palermo.organisations.models import Role
from tests.conftest import signed_in_client


@pytest.mark.django_db
def test_a_token_is_shown_once_works_and_can_be_revoked(org_a, member):
    worker = member(Role.CASE_WORKER, org_a)
    client = signed_in_client(worker)
    created = client.post("/account/security/", {"name": "reporting script", "days": "30", "create": "1"})
    assert created.status_code == 200
    clear = created.context["created_token"]
    assert clear.startswith("plm_")
    assert clear not in client.get("/account/security/").content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {clear}")
    assert api.get("/api/v1/me").json()["role"] == "case_worker"
    token = ApiToken.objects.get(membership=worker)
    revoked = client.post("/account/security/", {"revoke": token.pk}, follow=True)
    assert "no longer works" in revoked.content.decode()
    assert api.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_bad_token_requests_are_explained(org_a, member):
    client = signed_in_client(member(Role.CASE_WORKER, org_a))
    response = client.post("/account/security/", {"name": "", "days": "9999", "create": "1"})
    form = response.context["form"]
    assert set(form.errors) == {"name", "days"}
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_nobody_revokes_another_users_token(org_a, member):
    mine, theirs = member(Role.CASE_WORKER, org_a), member(Role.CASE_WORKER, org_a)
    signed_in_client(theirs).post("/account/security/", {"name": "theirs", "days": "30", "create": "1"})
    token = ApiToken.objects.get(membership=theirs)
    assert signed_in_client(mine).post("/account/security/", {"revoke": token.pk}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
