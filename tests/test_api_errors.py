"""Odd input to the API gets the API's JSON error shape, never a 500 or an HTML page."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import path
from rest_framework.request import Request
from rest_framework.test import APIClient
from rest_framework.views import APIView

from palermo import urls as project_urls
from palermo.assistance.models import PathwayStage
from palermo.organisations.models import Role
from palermo.reporting.models import Tip, TipLink, TipRoute
from palermo.worklist.models import Task
from tests.assistance.helpers import open_case
from tests.conftest import api_client

pytestmark = pytest.mark.django_db
HUGE = [2**63, 2**64]
ONE_DAY = datetime.date(2026, 12, 24)


def assert_error_shape(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    return body["error"]


@pytest.fixture
def worker(org_a, member):  # type: ignore[no-untyped-def]
    return member(Role.CASE_WORKER, org_a)


@pytest.fixture
def api(worker) -> APIClient:  # type: ignore[no-untyped-def]
    return api_client(worker)


@pytest.fixture
def tip(org_a) -> Tip:  # type: ignore[no-untyped-def]
    cache.clear()
    TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=org_a)
    response = APIClient().post("/api/v1/public/tips", {"description": "Seen at the quarry"}, format="json")
    assert response.status_code == 201
    return Tip.objects.get()


# --- integers past the signed 64-bit range ------------------------------------------------------------------------


@pytest.mark.parametrize("huge", HUGE)
def test_a_huge_attachment_id_is_not_found(api, worker, huge):  # type: ignore[no-untyped-def]
    case = open_case(worker)
    assert_error_shape(api.get(f"/api/v1/cases/{case.pk}/attachments/{huge}"), 404, "not_found")
    assert_error_shape(api.delete(f"/api/v1/cases/{case.pk}/attachments/{huge}"), 404, "not_found")
    assert_error_shape(api.get(f"/api/v1/cases/{huge}/attachments"), 404, "not_found")


@pytest.mark.parametrize("huge", HUGE)
@pytest.mark.parametrize("as_text", [False, True])
def test_a_huge_tip_to_link_is_refused_and_links_nothing(api, tip, huge, as_text):  # type: ignore[no-untyped-def]
    other = str(huge) if as_text else huge
    error = assert_error_shape(
        api.post(f"/api/v1/tips/{tip.pk}/links", {"other": other}, format="json"), 400, "invalid"
    )
    assert list(error["fields"]) == ["other"]
    assert_error_shape(api.delete(f"/api/v1/tips/{tip.pk}/links/{huge}"), 404, "not_found")
    assert TipLink.objects.count() == 0


@pytest.mark.parametrize("huge", HUGE)
@pytest.mark.parametrize("as_text", [False, True])
def test_a_huge_assignee_of_a_tip_is_refused_and_changes_nothing(api, tip, huge, as_text):  # type: ignore[no-untyped-def]
    value = str(huge) if as_text else huge
    response = api.post(f"/api/v1/tips/{tip.pk}/assign", {"assigned_to": value}, format="json")
    error = assert_error_shape(response, 400, "invalid")
    assert list(error["fields"]) == ["assigned_to"]
    tip.refresh_from_db()
    assert tip.assigned_to_id is None


@pytest.mark.parametrize("huge", HUGE)
@pytest.mark.parametrize("field", ["case", "assignee"])
def test_a_task_for_a_huge_case_or_assignee_is_refused_and_adds_nothing(api, huge, field):  # type: ignore[no-untyped-def]
    body = {"title": "Call the shelter", "due_on": ONE_DAY.isoformat(), field: huge}
    error = assert_error_shape(api.post("/api/v1/tasks", body, format="json"), 400, "invalid")
    assert list(error["fields"]) == [field]
    assert Task.objects.count() == 0
    assert_error_shape(api.patch(f"/api/v1/tasks/{huge}", {"done": True}, format="json"), 404, "not_found")


@pytest.mark.parametrize("huge", HUGE)
def test_a_huge_responsible_user_of_a_pathway_stage_is_refused_and_changes_nothing(api, worker, huge):  # type: ignore[no-untyped-def]
    case = open_case(worker)
    before = list(PathwayStage.objects.filter(case=case).values())
    body = {"stage": "safe_place", "status": "in_progress", "responsible_user": huge}
    error = assert_error_shape(api.post(f"/api/v1/cases/{case.pk}/pathway", body, format="json"), 400, "invalid")
    assert list(error["fields"]) == ["responsible_user"]
    assert list(PathwayStage.objects.filter(case=case).values()) == before


def test_the_largest_signed_64_bit_id_is_simply_not_found(api, worker):  # type: ignore[no-untyped-def]
    case = open_case(worker)
    assert_error_shape(api.get(f"/api/v1/cases/{case.pk}/attachments/{2**63 - 1}"), 404, "not_found")


# --- NUL bytes ---------------------------------------------------------------------------------------------------


NUL_REFUSED = ["Text may not contain the NUL character (\\u0000)."]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/directory?q=Shel%00ter", "q"),
        ("/api/v1/directory?area=%00", "area"),
        ("/api/v1/practices?area=a%00b", "area"),
    ],
)
def test_a_nul_byte_in_a_filter_is_refused(api, url, field):  # type: ignore[no-untyped-def]
    error = assert_error_shape(api.get(url), 400, "invalid")
    assert error["fields"] == {field: NUL_REFUSED}


def test_a_nul_byte_in_a_json_string_is_refused_and_adds_nothing(api):  # type: ignore[no-untyped-def]
    body = {"title": "Call\x00 the shelter", "due_on": ONE_DAY.isoformat()}
    error = assert_error_shape(api.post("/api/v1/tasks", body, format="json"), 400, "invalid")
    assert error["fields"] == {"title": NUL_REFUSED}
    assert Task.objects.count() == 0


# --- bodies over the limit, unknown URLs, crashes ---------------------------------------------------------------


def test_a_body_over_the_size_limit_answers_413_json_and_adds_nothing(api, settings):  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"title": "' + "x" * 1000 + '", "due_on": "2026-12-24"}'
    response = api.post("/api/v1/tasks", body, content_type="application/json")
    error = assert_error_shape(response, 413, "too_large")
    assert error["message"] == "The request body is larger than 1000 bytes."
    assert Task.objects.count() == 0


def test_a_body_over_the_size_limit_without_a_token_answers_413_json(settings):  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"description": "' + "x" * 1000 + '"}'
    response = APIClient().post("/api/v1/public/tips", body, content_type="application/json")
    assert_error_shape(response, 413, "too_large")
    assert Tip.objects.count() == 0


@pytest.mark.parametrize("url", ["/api/v1/nothing-here", "/api/v1/cases/1/nothing", "/api/v1/", "/api/v1/tasks/-1"])
def test_an_unknown_api_url_is_json_404(api, url):  # type: ignore[no-untyped-def]
    assert_error_shape(api.get(url), 404, "not_found")


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_a_write_to_an_unknown_api_url_is_json_404_not_a_csrf_page(worker, method):  # type: ignore[no-untyped-def]
    # A bearer-token client has no CSRF cookie; found by the schemathesis pass (`/matrices/0/actions/-1`).
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=api_client(worker)._credentials["HTTP_AUTHORIZATION"])
    assert_error_shape(getattr(client, method)("/api/v1/matrices/0/actions/-1"), 404, "not_found")


class _Crashes(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    def get(self, request: Request) -> None:
        raise RuntimeError("secret-value-from-a-record")


# The project's own URLs and error handlers, with one view that fails as a bug would.
urlpatterns = [path("api/v1/crash", _Crashes.as_view()), *project_urls.urlpatterns]
handler404 = project_urls.handler404
handler500 = getattr(project_urls, "handler500", "django.views.defaults.server_error")


@override_settings(ROOT_URLCONF=__name__)
def test_an_unexpected_error_answers_500_json_without_detail_and_is_logged(caplog):  # type: ignore[no-untyped-def]
    client = APIClient(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/crash")
    error = assert_error_shape(response, 500, "server_error")
    assert error == {"code": "server_error", "message": "Something went wrong on our side.", "fields": {}}
    assert "secret-value" not in response.content.decode()
    assert any(record.levelno == logging.ERROR and "/api/v1/crash" in record.getMessage() for record in caplog.records)


def _integers(node, where: str):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        if node.get("type") == "integer":
            yield where, node
        for key, value in node.items():
            yield from _integers(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _integers(value, f"{where}/{index}")


def test_every_integer_the_api_reads_is_bounded_to_what_a_database_stores():
    """A new endpoint with a plain DRF IntegerField or `<int:...>` path would bring the 500s back."""
    schema = APIClient().get("/api/v1/schema", {"format": "json"}).json()
    read = {
        name: component
        for name, component in schema["components"]["schemas"].items()
        if name.endswith("Request") or name.startswith("Patched")
    }
    parameters = {
        f"{url} {method}": op.get("parameters", [])
        for url, ops in schema["paths"].items()
        for method, op in ops.items()
    }
    found = [*_integers(read, "components"), *_integers(parameters, "paths")]
    assert len(found) > 20
    unbounded = [
        where
        for where, node in found
        if node.get("maximum", 2**64) > 2**63 - 1 or node.get("minimum", -(2**64)) < -(2**63)
    ]
    assert unbounded == []
