"""The matrix rules: adding never overwrites, stale edits are refused with the other version,
the gap view lists exactly the empty cells and the actions nobody owns, by actor and comparison."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.audit.models import AuditEntry
from palermo.directory.services import directory_entry_create
from palermo.matrix.grid import build_grid, matrix_by_actor, matrix_comparison, matrix_gaps
from palermo.matrix.models import MatrixAction, ResponseMatrix
from palermo.matrix.services import (
    ActionConflict,
    matrix_action_add,
    matrix_action_delete,
    matrix_action_update,
    matrix_create,
    matrix_update,
)
from palermo.organisations.models import Membership, Organisation, Role
from tests.conftest import acting_of

pytestmark = pytest.mark.django_db


def add(membership: Membership, matrix: ResponseMatrix, text: str, **kwargs: object) -> MatrixAction:
    cell = {"level": "policy", "area": "prevention", "stage": "source", **kwargs}
    return matrix_action_add(acting=acting_of(membership), matrix=matrix, text=text, **cell)  # type: ignore[arg-type]


def test_a_matrix_belongs_to_the_coordinators_organisation(coordinator: Membership, org_a: Organisation) -> None:
    matrix = matrix_create(acting=acting_of(coordinator), title=" Workshop ", held_on=datetime.date(2026, 3, 12))
    assert (matrix.organisation, matrix.title) == (org_a, "Workshop")
    assert AuditEntry.objects.filter(action="matrix.create", object_id=str(matrix.pk)).count() == 1


def test_a_matrix_needs_a_title_and_a_date(coordinator: Membership) -> None:
    with pytest.raises(ValidationError) as error:
        matrix_create(acting=acting_of(coordinator), title="  ", held_on=None)
    assert set(error.value.message_dict) == {"title", "held_on"}
    assert ResponseMatrix.objects.count() == 0


def test_two_groups_adding_to_the_same_cell_both_keep_their_action(
    matrix: ResponseMatrix, coordinator: Membership, member: Callable[..., Membership], org_a: Organisation
) -> None:
    other = member(Role.COORDINATOR, org_a)
    first = add(coordinator, matrix, "Skills training for young people", responsible=["government"], group="Group 1")
    second = add(other, matrix, "Community watch groups", responsible=["ngos", "workers"], group="Group 2")
    cell = build_grid(matrix).cell("policy", "prevention", "source")
    assert [(a.pk, a.text, a.responsible) for a in cell.actions] == [
        (first.pk, "Skills training for young people", ["government"]),
        (second.pk, "Community watch groups", ["workers", "ngos"]),
    ]


def test_a_stale_edit_is_refused_and_shows_the_other_persons_version(
    matrix: ResponseMatrix, coordinator: Membership, member: Callable[..., Membership], org_a: Organisation
) -> None:
    other = member(Role.COORDINATOR, org_a)
    action = add(coordinator, matrix, "Inspect recruitment agencies")
    # Both open version 1; the other person saves first.
    matrix_action_update(
        acting=acting_of(other), action=action, version=1, text="Inspect licensed recruitment agencies monthly"
    )
    with pytest.raises(ActionConflict) as conflict:
        matrix_action_update(
            acting=acting_of(coordinator), action=action, version=1, text="Inspect agencies", responsible=["government"]
        )
    assert conflict.value.current is not None
    assert (conflict.value.current.text, conflict.value.current.version) == (
        "Inspect licensed recruitment agencies monthly",
        2,
    )
    assert conflict.value.current.updated_by == other.user
    action.refresh_from_db()
    assert (action.text, action.responsible, action.version) == ("Inspect licensed recruitment agencies monthly", [], 2)
    # Starting again from their version works.
    matrix_action_update(acting=acting_of(coordinator), action=action, version=2, text="Inspect agencies monthly")
    action.refresh_from_db()
    assert (action.text, action.version) == ("Inspect agencies monthly", 3)


def test_a_stale_delete_is_refused_and_removing_a_removed_action_says_so(
    matrix: ResponseMatrix, coordinator: Membership
) -> None:
    action = add(coordinator, matrix, "Hotline posters at the bus station")
    matrix_action_update(acting=acting_of(coordinator), action=action, version=1, text="Hotline posters at stations")
    with pytest.raises(ActionConflict):
        matrix_action_delete(acting=acting_of(coordinator), action=action, version=1)
    assert MatrixAction.objects.filter(pk=action.pk).exists()
    matrix_action_delete(acting=acting_of(coordinator), action=action, version=2)
    assert not MatrixAction.objects.filter(pk=action.pk).exists()
    with pytest.raises(ActionConflict) as conflict:
        matrix_action_update(acting=acting_of(coordinator), action=action, version=2, text="again")
    assert conflict.value.current is None


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("level", {"level": "national"}),
        ("area", {"area": "prosecution"}),
        ("stage", {"stage": "everywhere"}),
        ("text", {"text": "   "}),
        ("responsible", {"responsible": ["police"]}),
    ],
)
def test_an_action_outside_the_worksheet_is_refused(
    matrix: ResponseMatrix, coordinator: Membership, field: str, values: dict[str, object]
) -> None:
    cell: dict[str, object] = {"level": "policy", "area": "prevention", "stage": "source", "text": "Do it", **values}
    with pytest.raises(ValidationError) as error:
        matrix_action_add(acting=acting_of(coordinator), matrix=matrix, **cell)  # type: ignore[arg-type]
    assert list(error.value.message_dict) == [field]
    assert MatrixAction.objects.count() == 0


def test_gaps_are_exactly_the_empty_cells_and_the_actions_nobody_owns(
    matrix: ResponseMatrix, coordinator: Membership
) -> None:
    add(coordinator, matrix, "Livelihood schemes", responsible=["government"])
    nobody = add(
        coordinator, matrix, "Pre-departure briefings", level="outreach", area="safe_migration", stage="transit"
    )
    entry = directory_entry_create(
        acting=acting_of(coordinator), name="Valmora Workers' Union", actor_type="workers", level="local", country="ZZ"
    )
    named = add(coordinator, matrix, "Union complaint desk", area="monitoring", stage="destination", actors=[entry])
    gaps = matrix_gaps(build_grid(matrix))
    filled = {("policy", "prevention", "source"), ("outreach", "safe_migration", "transit")}
    filled.add(("policy", "monitoring", "destination"))
    expected = [
        (level, area, stage)
        for level in ("policy", "outreach")
        for area in ("prevention", "safe_migration", "monitoring", "assistance")
        for stage in ("source", "transit", "destination")
        if (level, area, stage) not in filled
    ]
    assert [c.key for c in gaps.empty_cells] == expected
    assert len(expected) == 21
    assert [a.pk for a in gaps.unassigned] == [nobody.pk]
    assert named.has_nobody is False


def test_by_actor_lists_what_each_type_and_named_organisation_does(
    matrix: ResponseMatrix, coordinator: Membership
) -> None:
    entry = directory_entry_create(
        acting=acting_of(coordinator), name="Open Door Valmora", actor_type="ngo", level="local", country="ZZ"
    )
    training = add(coordinator, matrix, "Train labour inspectors", responsible=["government", "workers"])
    shelter = add(coordinator, matrix, "Run a shelter", level="outreach", area="assistance", actors=[entry])
    duties = {d.key: [a.pk for a in d.actions] for d in matrix_by_actor(build_grid(matrix))}
    assert duties == {
        "government": [training.pk],
        "workers": [training.pk],
        "employers": [],
        "ngos": [],
        f"entry:{entry.pk}": [shelter.pk],
    }


def test_comparison_puts_the_two_levels_of_each_cell_side_by_side(
    matrix: ResponseMatrix, coordinator: Membership
) -> None:
    policy = add(coordinator, matrix, "Law on recruitment fees", area="safe_migration", stage="source")
    outreach = add(coordinator, matrix, "Village briefings", level="outreach", area="safe_migration", stage="source")
    lonely = add(coordinator, matrix, "Inspection plan", area="monitoring", stage="destination")
    rows = {(r.area, r.stage): r for r in matrix_comparison(build_grid(matrix))}
    assert len(rows) == 12
    both = rows[("safe_migration", "source")]
    assert ([a.pk for a in both.policy], [a.pk for a in both.outreach], both.only_one_level) == (
        [policy.pk],
        [outreach.pk],
        False,
    )
    one = rows[("monitoring", "destination")]
    assert ([a.pk for a in one.policy], one.outreach, one.only_one_level) == ([lonely.pk], [], True)


def test_partners_contribute_but_only_the_owner_changes_the_matrix(
    matrix: ResponseMatrix, coordinator: Membership, org_b: Organisation, member: Callable[..., Membership]
) -> None:
    partner = member(Role.COORDINATOR, org_b)
    with pytest.raises(PermissionDenied):
        add(partner, matrix, "Not yet a partner")
    matrix_update(
        acting=acting_of(coordinator), matrix=matrix, title=matrix.title, held_on=matrix.held_on, partners=[org_b]
    )
    assert add(partner, matrix, "Police liaison at the border").organisation_id == matrix.organisation_id
    with pytest.raises(PermissionDenied):
        matrix_update(acting=acting_of(partner), matrix=matrix, title="Taken over", held_on=matrix.held_on)


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.ANALYST, Role.FIRST_RESPONDER, Role.ORG_ADMIN])
def test_roles_without_planning_cannot_create_or_add(
    role: str, matrix: ResponseMatrix, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    membership = member(role, org_a)
    with pytest.raises(PermissionDenied):
        matrix_create(acting=acting_of(membership), title="Mine", held_on=datetime.date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        add(membership, matrix, "Sneaky")
    assert MatrixAction.objects.count() == 0
