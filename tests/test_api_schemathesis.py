"""A bounded schemathesis pass over every operation of the API: no input, valid or not, gets a 5xx.

The schema is read from the app itself (no server), every operation gets SCHEMATHESIS_EXAMPLES
generated requests (inputs that fit the schema and inputs that do not), derandomised so a run is
repeatable, with a real bearer token of the role the operation is for. Half the ids in the paths are
replaced by those of a small world of records, so the operations also reach their real code paths.
Set SCHEMATHESIS_EXAMPLES to widen or narrow the pass (CI keeps the default).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from palermo.accounts.services import api_token_create
from palermo.directory.services import directory_entry_create
from palermo.matrix.services import matrix_action_add, matrix_create
from palermo.organisations.models import Role
from palermo.permissions import Actor
from palermo.reporting.models import Tip, TipRoute
from palermo.reporting.services import tip_submit
from palermo.worklist.services import task_add
from tests.assistance.helpers import open_case, referred_screening
from tests.conftest import actor_of
from tests.factories import MembershipFactory, OrganisationFactory

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))

application = WSGIHandler()
# The app's own schema, read through its WSGI interface (no server; the schema view needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema?format=json", application)
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
    "/api/v1/inspection-requests": Role.COORDINATOR,
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
    screening = referred_screening(worker, case)
    TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=org_a)
    tip_submit(data={"description": "Seen at the quarry"}, language="en")
    tip_submit(data={"description": "Seen at the quarry again"}, language="en")
    tips = list(Tip.objects.order_by("pk").values_list("pk", flat=True))
    task = task_add(actor=actor_of(worker), title="Call the shelter", due_on=datetime.date(2026, 12, 24), case=case)
    entry = directory_entry_create(
        actor=actor_of(coordinator), name="Night shelter", actor_type="ngo", level="local", country="ZZ"
    )
    matrix = matrix_create(
        actor=actor_of(coordinator), title="Workshop", held_on=datetime.date(2026, 11, 2), partners=[org_b]
    )
    action = matrix_action_add(
        actor=actor_of(coordinator), matrix=matrix, level="policy", area="prevention", stage="source", text="Train"
    )
    tokens = {
        m.role: api_token_create(actor=Actor.system(), membership=m, name="schemathesis")[1]
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
    if path.endswith("/decisions"):
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
def test_no_request_makes_the_api_answer_5xx(case, world: World) -> None:  # type: ignore[no-untyped-def]
    for name, value in list(case.path_parameters.items()):
        if isinstance(value, int) and value % 2 == 0 and name in world.ids and world.ids[name]:
            case.path_parameters[name] = world.ids[name]
    label = case.operation.label
    REQUESTS[label] = REQUESTS.get(label, 0) + 1
    response = case.call(headers={"Authorization": f"Bearer {world.tokens[_role_for(case.path)]}"})
    case.validate_response(response, checks=[not_a_server_error])
