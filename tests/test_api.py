"""REST API v1: bearer tokens, one error shape, pagination, the schema."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from palermo.accounts.models import ApiToken
from palermo.accounts.services import api_token_create, api_token_revoke
from palermo.organisations.models import Role
from palermo.people.services import person_create
from palermo.permissions import ActingUser
from tests.conftest import acting_of, api_client, signed_in_client
from tests.factories import OrganisationFactory


@pytest.fixture
def worker(org_a, member):
    return member(Role.CASE_WORKER, org_a)


def _bearer(clear: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {clear}")
    return client


@pytest.mark.django_db
def test_organisations_directory_lists_directory_data_only(worker, org_b):
    response = api_client(worker).get("/api/v1/organisations")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["results"][0] == {
        "id": worker.organisation.pk,
        "name": "Alpha Shelter",
        "type": "ngo",
        "type_label": "Non-governmental organisation",
        "country": "ZZ",
        "region": "Test Region",
        "municipality": "",
    }


@pytest.mark.django_db
def test_list_endpoints_paginate_with_a_constant_number_of_queries(worker):
    client = api_client(worker)
    client.get("/api/v1/me")  # the first use stamps the token's last-use time
    OrganisationFactory.create_batch(5)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/organisations")
    OrganisationFactory.create_batch(60)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/api/v1/organisations").json()
    assert len(many) == len(few)
    assert (page["count"], len(page["results"])) == (66, 50)
    assert client.get("/api/v1/organisations", {"page": 2}).json()["results"][-1]["name"]


@pytest.mark.django_db
def test_people_list_queries_do_not_grow_with_the_page(worker):
    client = api_client(worker)
    client.get("/api/v1/me")  # the first use stamps the token's last-use time
    for i in range(3):
        person_create(acting=acting_of(worker), given_names=f"P{i}")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/persons")
    for i in range(20):
        person_create(acting=acting_of(worker), given_names=f"Q{i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/persons").json()["count"] == 23
    assert len(many) == len(few)


@pytest.mark.django_db
def test_me_says_who_the_token_acts_as(worker):
    body = api_client(worker).get("/api/v1/me").json()
    assert body["role"] == "case_worker"
    assert body["role_label"] == "Case worker"
    assert body["organisation"]["name"] == "Alpha Shelter"
    assert "person.view_organisation" in body["capabilities"]


@pytest.mark.django_db
def test_tokens_are_stored_hashed_and_shown_once(worker):
    token, clear = api_token_create(acting=acting_of(worker), membership=worker, name="script")
    stored = ApiToken.objects.get(pk=token.pk)
    assert clear not in (stored.digest, stored.prefix)
    assert clear.startswith(stored.prefix)
    assert _bearer(clear).get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_expired_and_revoked_tokens_stop_working(worker):
    token, clear = api_token_create(acting=acting_of(worker), membership=worker, name="script")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = _bearer(clear).get("/api/v1/me")
    assert expired.status_code == 401
    assert expired.json()["error"] == {
        "code": "not_authenticated",
        "message": "The token is unknown, expired or revoked.",
        "fields": {},
    }
    token2, clear2 = api_token_create(acting=acting_of(worker), membership=worker, name="other")
    api_token_revoke(acting=acting_of(worker), token=token2)
    assert _bearer(clear2).get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_a_token_acts_for_its_own_membership_only(org_a, org_b, member):
    first = member(Role.CASE_WORKER, org_a)
    second = member(Role.CASE_WORKER, org_b, user=first.user)
    person_create(acting=acting_of(second), given_names="InBeta")
    assert "InBeta" not in api_client(first).get("/api/v1/persons").content.decode()
    assert "InBeta" in api_client(second).get("/api/v1/persons").content.decode()


@pytest.mark.django_db
def test_nobody_makes_a_token_for_someone_else(org_a, member):
    mine, theirs = member(Role.CASE_WORKER, org_a), member(Role.CASE_WORKER, org_a)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        api_token_create(acting=acting_of(mine), membership=theirs, name="sneaky")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "message"),
    [("Token abc", "Use the header"), ("Bearer", "Use the header"), ("Bearer plm_nope", "unknown, expired or revoked")],
)
def test_malformed_credentials_get_a_clear_error(header, message):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/organisations")
    assert response.status_code == 401
    assert message in response.json()["error"]["message"]
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.django_db
def test_validation_errors_name_each_field_and_save_nothing(worker):
    response = api_client(worker).post(
        "/api/v1/persons", {"family_name": "x" * 300, "date_of_birth": "2999-01-01", "sex": "maybe"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"sex", "family_name", "date_of_birth"}
    assert error["fields"]["date_of_birth"] == ["The date of birth cannot be in the future."]
    assert api_client(worker).get("/api/v1/persons").json()["count"] == 0


@pytest.mark.django_db
def test_non_json_bodies_and_unknown_routes_use_the_same_error_shape(worker):
    client = api_client(worker)
    bad = client.post("/api/v1/persons", "given_names=x", content_type="application/x-www-form-urlencoded")
    assert bad.status_code == 415
    assert bad.json()["error"]["code"] == "unsupported_media_type"
    broken = client.post("/api/v1/persons", "{not json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "invalid"
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/persons/abc").json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_a_browser_session_does_not_open_the_api(worker):
    assert signed_in_client(worker).get("/api/v1/persons").status_code == 401


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_external_assets(client):
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/organisations", "/api/v1/persons", "/api/v1/persons/{person_id}", "/api/v1/me"):
        assert path in text
    assert '"/api/v1/people' not in text  # the older shape is gone
    assert "bearerAuth" in text
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "https://" not in html.split("<body")[0]
    assert "unsafe-inline" not in docs.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_api_responses_are_never_cached(worker):
    response = api_client(worker).get("/api/v1/persons")
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_cli_operator_token_for_a_member(worker):
    _, clear = api_token_create(acting=ActingUser.system(), membership=worker, name="ops")
    assert _bearer(clear).get("/api/v1/me").json()["organisation"]["name"] == "Alpha Shelter"
