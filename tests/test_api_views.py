"""The base API view: each method declares the capability it needs, the check runs first, the schema says so."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from rest_framework.request import Request
from rest_framework.response import Response

from palermo.api.views import PalermoApiView
from palermo.organisations.models import Role
from palermo.people.models import Person
from palermo.permissions import Capability
from tests.conftest import api_client


def test_a_handler_without_a_declared_capability_is_refused_at_import():
    with pytest.raises(ImproperlyConfigured, match="declares no capability for post"):

        class Forgetful(PalermoApiView):
            capabilities = {"get": Capability.DIRECTORY_VIEW}

            def get(self, request: Request) -> Response:
                return Response({})

            def post(self, request: Request) -> Response:
                return Response({})


@pytest.mark.django_db
def test_every_operation_states_who_may_call_it():
    schema = Client().get("/api/v1/schema", HTTP_ACCEPT="application/json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/api/v1/public/"):
                assert operation["description"].endswith("No token needed."), (method, path)
                continue
            requirement = operation["x-palermo-capability"]
            assert requirement["roles"], (method, path)
            assert "Requires" in operation["description"] or "Any member's token" in operation["description"]
            assert {"401"} <= set(operation["responses"]), (method, path)
            if requirement["any_of"]:
                assert "403" in operation["responses"], (method, path)
    person = schema["paths"]["/api/v1/persons"]["post"]
    assert person["x-palermo-capability"] == {"any_of": ["person.create"], "roles": ["first_responder", "case_worker"]}
    assert "Requires the capability `person.create` (roles: `first_responder`, `case_worker`)." in person["description"]


@pytest.mark.django_db
def test_the_check_runs_before_the_handler_reads_anything(org_a, member):
    analyst = api_client(member(Role.ANALYST, org_a))
    # Even an invalid body: the role is refused before the body is read, and nothing is stored.
    response = analyst.post("/api/v1/persons", {"date_of_birth": "soon"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "permission_denied",
        "message": "Your role may not do this.",
        "fields": {},
    }
    assert not Person.objects.exists()
