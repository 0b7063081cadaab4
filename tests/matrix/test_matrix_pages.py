"""Matrix pages and API: who may see and change what, the conflict message, and the cell's practices."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from palermo.matrix.models import MatrixAction, ResponseMatrix
from palermo.matrix.services import matrix_action_add, matrix_action_update
from palermo.organisations.models import Membership, Organisation, Role
from tests.conftest import acting_of, api_client, nothing_changes, signed_in_client

pytestmark = pytest.mark.django_db

CELL = {"level": "policy", "area": "prevention", "stage": "source"}


def cell_url(matrix: ResponseMatrix, **cell: str) -> str:
    return reverse("matrix:cell", kwargs={"matrix_id": matrix.pk, **CELL, **cell})


def add_post(text: str) -> dict[str, object]:
    return {"add-text": text, "add-responsible": ["government", "employers"], "add-group": "Group 3"}


# --- Authorisation over anonymous / other organisation / member without the role / with it ---------


def test_anonymous_is_sent_to_sign_in_and_changes_nothing(matrix: ResponseMatrix) -> None:
    client = Client()
    for url in (reverse("matrix:detail", args=[matrix.pk]), reverse("matrix:gaps", args=[matrix.pk])):
        assert client.get(url).status_code == 302
    response = client.post(cell_url(matrix), add_post("Anonymous"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert MatrixAction.objects.count() == 0


def test_another_organisation_sees_404_and_cannot_add(
    matrix: ResponseMatrix, org_b: Organisation, member: Callable[..., Membership]
) -> None:
    client = signed_in_client(member(Role.COORDINATOR, org_b))
    with nothing_changes():
        assert client.get(reverse("matrix:detail", args=[matrix.pk])).status_code == 404
        assert client.get(reverse("matrix:export", args=[matrix.pk, "xlsx"])).status_code == 404
        assert client.post(cell_url(matrix), add_post("Outsider")).status_code == 404
    assert matrix.title not in client.get(reverse("matrix:list")).content.decode()
    assert MatrixAction.objects.count() == 0


def test_a_member_without_the_planning_role_reads_but_cannot_add(
    matrix: ResponseMatrix, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    client = signed_in_client(member(Role.ANALYST, org_a))
    page = client.get(cell_url(matrix))
    assert page.status_code == 200
    assert "Add the action" not in page.content.decode()
    with nothing_changes():
        assert client.post(cell_url(matrix), add_post("Analyst")).status_code == 403
        assert client.get(reverse("matrix:create")).status_code == 403
    assert MatrixAction.objects.count() == 0


def test_a_coordinator_adds_an_action_and_sees_it_in_the_grid(matrix: ResponseMatrix, coordinator: Membership) -> None:
    client = signed_in_client(coordinator)
    response = client.post(cell_url(matrix), add_post("Fair recruitment code for employers"))
    assert response.status_code == 302
    action = MatrixAction.objects.get()
    assert (action.text, action.responsible, action.group) == (
        "Fair recruitment code for employers",
        ["government", "employers"],
        "Group 3",
    )
    grid = client.get(reverse("matrix:detail", args=[matrix.pk])).content.decode()
    assert "Fair recruitment code for employers" in grid
    assert "Employers" in grid


def test_an_empty_action_is_refused_with_a_message(matrix: ResponseMatrix, coordinator: Membership) -> None:
    client = signed_in_client(coordinator)
    with nothing_changes():
        response = client.post(cell_url(matrix), {"add-text": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert MatrixAction.objects.count() == 0


def test_a_stale_edit_on_the_page_shows_both_versions_and_keeps_the_draft(
    matrix: ResponseMatrix, coordinator: Membership, member: Callable[..., Membership], org_a: Organisation
) -> None:
    other = member(Role.COORDINATOR, org_a, user__full_name="Beatriz Nunes")
    action = matrix_action_add(acting=acting_of(coordinator), matrix=matrix, text="Radio spots", **CELL)
    matrix_action_update(acting=acting_of(other), action=action, version=1, text="Radio spots in three languages")
    prefix = f"action-{action.pk}"
    client = signed_in_client(coordinator)
    with nothing_changes():
        response = client.post(
            reverse("matrix:action_update", args=[matrix.pk, action.pk]),
            {f"{prefix}-text": "Radio and TV spots", f"{prefix}-version": "1"},
        )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Beatriz Nunes changed this action while you were editing it." in body
    assert "Radio spots in three languages" in body  # their version
    assert "Radio and TV spots" in body  # my draft, still in the form
    assert f'name="{prefix}-version" value="2"' in body  # the next save starts from theirs
    action.refresh_from_db()
    assert action.text == "Radio spots in three languages"


def test_the_cell_shows_what_others_did_there(matrix: ResponseMatrix, coordinator: Membership) -> None:
    body = signed_in_client(coordinator).get(cell_url(matrix, level="outreach", area="assistance", stage="destination"))
    text = body.content.decode()
    assert "What others did here" in text
    assert "La Strada model of emergency and long-term assistance" in text
    assert "Mekong programme at source" not in text


def test_gap_page_lists_the_empty_cells(matrix: ResponseMatrix, coordinator: Membership) -> None:
    matrix_action_add(acting=acting_of(coordinator), matrix=matrix, text="Schools", **CELL)
    body = signed_in_client(coordinator).get(reverse("matrix:gaps", args=[matrix.pk])).content.decode()
    assert "23 empty cells" in body
    assert "Policy and institutional level: Broad prevention, Source</a>" not in body
    assert "Policy and institutional level: Broad prevention, Transit</a>" in body


def test_unknown_cell_is_404(matrix: ResponseMatrix, coordinator: Membership) -> None:
    assert signed_in_client(coordinator).get(cell_url(matrix, level="national")).status_code == 404


# --- API -----------------------------------------------------------------------------------------------


def test_api_adds_actions_reads_cells_and_gaps(matrix: ResponseMatrix, coordinator: Membership) -> None:
    client = api_client(coordinator)
    url = f"/api/v1/matrices/{matrix.pk}/actions"
    created = client.post(url, {**CELL, "text": "Youth jobs scheme", "responsible": ["government"]}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["version"] == 1
    detail = client.get(f"/api/v1/matrices/{matrix.pk}").json()
    assert len(detail["cells"]) == 24
    first = detail["cells"][0]
    assert (first["level"], first["area"], first["stage"]) == ("policy", "prevention", "source")
    assert [a["text"] for a in first["actions"]] == ["Youth jobs scheme"]
    gaps = client.get(f"/api/v1/matrices/{matrix.pk}/gaps").json()
    assert len(gaps["empty_cells"]) == 23
    assert gaps["unassigned"] == []


def test_api_stale_change_answers_409_with_the_current_version(matrix: ResponseMatrix, coordinator: Membership) -> None:
    client = api_client(coordinator)
    action = matrix_action_add(acting=acting_of(coordinator), matrix=matrix, text="Leaflets", **CELL)
    url = f"/api/v1/matrices/{matrix.pk}/actions/{action.pk}"
    assert client.put(url, {"version": 1, "text": "Leaflets in Romanian"}, format="json").status_code == 200
    with nothing_changes():
        stale = client.put(url, {"version": 1, "text": "Posters"}, format="json")
        stale_delete = client.delete(f"{url}?version=1")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert (stale.json()["current"]["text"], stale.json()["current"]["version"]) == ("Leaflets in Romanian", 2)
    assert stale_delete.status_code == 409
    assert client.delete(f"{url}?version=2").status_code == 204


def test_api_bad_action_gets_the_error_shape(matrix: ResponseMatrix, coordinator: Membership) -> None:
    client = api_client(coordinator)
    with nothing_changes():
        response = client.post(
            f"/api/v1/matrices/{matrix.pk}/actions", {**CELL, "stage": "moon", "text": "x"}, format="json"
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["stage"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("other_org", 404), ("analyst", 403), ("coordinator", 201)],
)
def test_api_adding_an_action_by_kind_of_client(
    who: str,
    status: int,
    matrix: ResponseMatrix,
    coordinator: Membership,
    org_a: Organisation,
    org_b: Organisation,
    member: Callable[..., Membership],
) -> None:
    from rest_framework.test import APIClient

    clients = {
        "anonymous": lambda: APIClient(),
        "other_org": lambda: api_client(member(Role.COORDINATOR, org_b)),
        "analyst": lambda: api_client(member(Role.ANALYST, org_a)),
        "coordinator": lambda: api_client(coordinator),
    }
    response = clients[who]().post(f"/api/v1/matrices/{matrix.pk}/actions", {**CELL, "text": "Try"}, format="json")
    assert response.status_code == status
    assert MatrixAction.objects.count() == (1 if status == 201 else 0)


def test_api_schema_documents_the_matrix_endpoints() -> None:
    schema = Client().get("/api/v1/schema").content.decode()
    for path in ("/api/v1/matrices/{matrix_id}/actions", "/api/v1/directory", "/api/v1/practices"):
        assert path in schema


def test_views_read_the_matrix_in_a_fixed_number_of_queries(
    matrix: ResponseMatrix, coordinator: Membership, django_assert_max_num_queries: Callable[..., object]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from palermo.directory.services import directory_entry_create

    client = signed_in_client(coordinator)
    entry = directory_entry_create(
        acting=acting_of(coordinator), name="Union", actor_type="workers", level="local", country="ZZ"
    )
    urls = [
        reverse(name, args=[matrix.pk])
        for name in ("matrix:detail", "matrix:gaps", "matrix:by_actor", "matrix:compare")
    ] + [cell_url(matrix)]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    matrix_action_add(acting=acting_of(coordinator), matrix=matrix, text="One", actors=[entry], **CELL)
    few = counts()
    for n in range(8):
        matrix_action_add(
            acting=acting_of(coordinator), matrix=matrix, text=f"More {n}", responsible=["ngos"], actors=[entry], **CELL
        )
    assert counts() == few


def test_an_action_can_name_directory_organisations(matrix: ResponseMatrix, coordinator: Membership) -> None:
    from palermo.directory.services import directory_entry_create

    union = directory_entry_create(
        acting=acting_of(coordinator), name="Valmora Union", actor_type="workers", level="local", country="ZZ"
    )
    client = signed_in_client(coordinator)
    assert client.post(cell_url(matrix), {"add-text": "Union desk", "add-actors": [str(union.pk)]}).status_code == 302
    assert [e.name for e in MatrixAction.objects.get().actors.all()] == ["Valmora Union"]
    with nothing_changes():
        refused = client.post(cell_url(matrix), {"add-text": "Ghost", "add-actors": ["999999"]})
    assert refused.status_code == 400
    assert MatrixAction.objects.count() == 1
    duties = client.get(reverse("matrix:by_actor", args=[matrix.pk])).content.decode()
    assert "Valmora Union" in duties


def test_the_owner_changes_the_details_and_a_partner_may_not(
    matrix: ResponseMatrix, coordinator: Membership, org_b: Organisation, member: Callable[..., Membership]
) -> None:
    url = reverse("matrix:update", args=[matrix.pk])
    data = {"title": "Day 5, final", "held_on": "2026-03-13", "participants": "Group 1", "partners": [str(org_b.pk)]}
    assert signed_in_client(coordinator).post(url, data).status_code == 302
    matrix.refresh_from_db()
    assert (matrix.title, matrix.held_on.isoformat(), list(matrix.partners.all())) == (
        "Day 5, final",
        "2026-03-13",
        [org_b],
    )
    partner = signed_in_client(member(Role.COORDINATOR, org_b))
    assert partner.get(reverse("matrix:detail", args=[matrix.pk])).status_code == 200
    with nothing_changes():
        assert partner.post(url, {**data, "title": "Taken over"}).status_code == 403
    assert partner.post(cell_url(matrix), add_post("Partner action")).status_code == 302
    matrix.refresh_from_db()
    assert matrix.title == "Day 5, final"


def test_api_by_actor(matrix: ResponseMatrix, coordinator: Membership) -> None:
    action = matrix_action_add(
        acting=acting_of(coordinator), matrix=matrix, text="Inspections", responsible=["government"], **CELL
    )
    duties = api_client(coordinator).get(f"/api/v1/matrices/{matrix.pk}/by-actor").json()
    assert [(d["key"], [a["id"] for a in d["actions"]]) for d in duties] == [
        ("government", [action.pk]),
        ("workers", []),
        ("employers", []),
        ("ngos", []),
    ]


def test_removing_on_the_page_after_someone_changed_it_keeps_the_action(
    matrix: ResponseMatrix, coordinator: Membership
) -> None:
    action = matrix_action_add(acting=acting_of(coordinator), matrix=matrix, text="Posters", **CELL)
    matrix_action_update(acting=acting_of(coordinator), action=action, version=1, text="Posters and radio")
    client = signed_in_client(coordinator)
    with nothing_changes():
        response = client.post(
            reverse("matrix:action_delete", args=[matrix.pk, action.pk]), {"version": "1"}, follow=True
        )
    assert "Someone changed this action meanwhile, so it was not removed." in response.content.decode()
    assert MatrixAction.objects.filter(pk=action.pk).exists()


def test_changing_an_action_someone_removed_keeps_the_text_in_the_add_form(
    matrix: ResponseMatrix, coordinator: Membership
) -> None:
    action = matrix_action_add(acting=acting_of(coordinator), matrix=matrix, text="Posters", **CELL)
    client = signed_in_client(coordinator)
    prefix = f"action-{action.pk}"
    url = reverse("matrix:action_update", args=[matrix.pk, action.pk])
    MatrixAction.objects.filter(pk=action.pk).delete()
    draft = {f"{prefix}-text": "Posters in Bulgarian", f"{prefix}-version": "1", "cell": "policy/prevention/source"}
    with nothing_changes():
        response = client.post(url, draft)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone removed this action while you were changing it." in body
    assert re.search(r'<textarea name="add-text"[^>]*>\s*Posters in Bulgarian</textarea>', body)
    assert MatrixAction.objects.count() == 0
    # Without the cell it came from, the page cannot help: it answers 404 like any missing record.
    with nothing_changes():
        assert client.post(url, {**draft, "cell": ""}).status_code == 404
