"""A bounded schemathesis pass over every operation of the API: every answer is one the schema documents.

The schema is read from the app itself (no server), every operation gets SCHEMATHESIS_EXAMPLES
generated requests (inputs that fit the schema and inputs that do not), derandomised so a run is
repeatable, with a real bearer token of the role the operation is for. Half the ids in the paths are
replaced by those of a small world of records, so the operations also reach their real code paths.

Every answer must be no 5xx, a documented status, a documented media type, a body that matches the
documented schema exactly (response objects are closed here: an undocumented field fails), and the
documented headers. Set SCHEMATHESIS_EXAMPLES to widen or narrow the pass (CI keeps the default).
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from palermo.accounts.services import api_token_create
from palermo.cases.services import case_attachment_add
from palermo.consent.services import consent_record
from palermo.directory.services import directory_entry_create
from palermo.matrix.services import matrix_action_add, matrix_create
from palermo.organisations.models import Role
from palermo.permissions import ActingUser
from palermo.referrals.services import referral_send
from palermo.reporting.models import Tip, TipRoute
from palermo.reporting.services import tip_submit
from palermo.worklist.services import task_add
from tests.assistance.helpers import open_case, submitted_screening
from tests.conftest import acting_of
from tests.factories import MembershipFactory, OrganisationFactory
from tests.reporting.photos import blank

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))
# Every operation's test uses the module's one world: build it once, on one worker.
pytestmark = pytest.mark.xdist_group("schemathesis")

CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def _closed(node: Any) -> None:
    """Every object schema with listed properties admits no other: a field the schema does not list fails."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _closed(value)
    elif isinstance(node, list):
        for value in node:
            _closed(value)


def _strict_schema() -> dict[str, Any]:
    # The app's own schema (the schema view needs no database); request bodies stay open to generation.
    raw = json.loads(Client(HTTP_HOST="localhost").get("/api/v1/schema?format=json").content)
    for name, component in raw["components"]["schemas"].items():
        if not name.endswith("Request"):
            _closed(component)
    for operation in (op for path in raw["paths"].values() for op in path.values()):
        _closed(operation["responses"])
    return raw


application = WSGIHandler()
schema = schemathesis.openapi.from_dict(_strict_schema())
schema.app = application  # requests go through the WSGI interface: no server
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES,
    deterministic=True,
    allow_x00=True,
)

# Which role's token each part of the API is for; everything else is a case worker's.
ROLE_BY_PREFIX = {
    "/api/v1/matrices": Role.COORDINATOR,
    "/api/v1/directory": Role.COORDINATOR,
    "/api/v1/tip-routes": Role.COORDINATOR,
}


REQUESTS: dict[str, int] = {}


@dataclass
class World:
    tokens: dict[str, str]
    ids: dict[str, object]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """Built once for the module inside a transaction rolled back at its end; each operation's test
    runs in a savepoint of it, so what one operation changes is gone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world() -> World:
    org_a, org_b = OrganisationFactory(name="Alpha Shelter"), OrganisationFactory(name="Beta Police", type="police")
    worker, coordinator, decider = (
        MembershipFactory(role=role, organisation=org_a)
        for role in (Role.CASE_WORKER, Role.COORDINATOR, Role.DECISION_MAKER)
    )
    case = open_case(worker)
    screening = submitted_screening(worker, case)
    TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=org_a)
    tip_submit(data={"description": "Seen at the quarry"}, language="en")
    tip_submit(data={"description": "Seen at the quarry again"}, language="en")
    tips = list(Tip.objects.order_by("pk").values_list("pk", flat=True))
    task = task_add(acting=acting_of(worker), title="Call the shelter", due_on=datetime.date(2026, 12, 24), case=case)
    entry = directory_entry_create(
        acting=acting_of(coordinator), name="Night shelter", actor_type="ngo", level="local", country="ZZ"
    )
    matrix = matrix_create(
        acting=acting_of(coordinator), title="Workshop", held_on=datetime.date(2026, 11, 2), partners=[org_b]
    )
    action = matrix_action_add(
        acting=acting_of(coordinator), matrix=matrix, level="policy", area="prevention", stage="source", text="Train"
    )
    # A consent, a referral on it and a file: the operations on them reach their real code paths.
    consent = consent_record(
        acting=acting_of(worker),
        case=case,
        purpose="referral",
        status="given",
        informed_language="en",
        informed_how="written",
        recipient=org_b,
        fields=["languages", "exploitation"],
        services=["shelter"],
    )
    referral = referral_send(acting=acting_of(worker), case=case, to_organisation=org_b, services=["shelter"])
    upload = SimpleUploadedFile("scan.png", blank("PNG", "RGB", (8, 8)))
    attachment = case_attachment_add(acting=acting_of(worker), case=case, upload=upload, title="Scan")
    tokens = {
        m.role: api_token_create(acting=ActingUser.system(), membership=m, name="schemathesis")[1]
        for m in (worker, coordinator, decider)
    }
    ids = {
        "person_id": case.person_id,
        "case_id": case.pk,
        "screening_id": screening.pk,
        "tip_id": tips[0],
        "other_id": tips[1],
        "task_id": task.pk,
        "entry_id": entry.pk,
        "matrix_id": matrix.pk,
        "action_id": action.pk,
        "consent_id": consent.pk,
        "referral_id": referral.pk,
        "attachment_id": attachment.pk,
        "slug": "",
    }
    return World(tokens=tokens, ids=ids)


@pytest.fixture(scope="module", autouse=True)
def _keep_the_connection() -> Iterator[None]:
    # Django's test client keeps the test's transaction open across requests; a bare WSGI app would
    # close the connection (and lose the world) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    if REQUESTS:  # shown with -s: what the pass covered
        print(f"\nschemathesis: {len(REQUESTS)} operations, {sum(REQUESTS.values())} requests")


def _role_for(path: str) -> str:
    if path.endswith(("/decisions", "/legal-bases")):
        return Role.DECISION_MAKER
    for prefix, role in ROLE_BY_PREFIX.items():
        if path.startswith(prefix):
            return role
    return Role.CASE_WORKER


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
def test_every_answer_is_one_the_schema_documents(case, world: World) -> None:  # type: ignore[no-untyped-def]
    for name, value in list(case.path_parameters.items()):
        if isinstance(value, int) and value % 2 == 0 and name in world.ids and world.ids[name]:
            case.path_parameters[name] = world.ids[name]
    label = case.operation.label
    REQUESTS[label] = REQUESTS.get(label, 0) + 1
    response = case.call(headers={"Authorization": f"Bearer {world.tokens[_role_for(case.path)]}"})
    case.validate_response(response, checks=CONFORMANCE)
