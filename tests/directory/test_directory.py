"""The actor directory: shared reading, maintenance by the maintaining organisation's coordinators,
search and filters, the contract for referrals, pages and API."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from palermo.audit.models import AuditEntry
from palermo.directory.models import DirectoryEntry
from palermo.directory.selectors import DirectoryFilters, directory_entry_list, services_offered_by
from palermo.directory.services import directory_entry_create, directory_entry_update
from palermo.organisations.models import Membership, Organisation, Role
from palermo.permissions import ActingUser
from tests.conftest import acting_of, api_client, nothing_changes, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(org_a: Organisation, member: Callable[..., Membership]) -> Membership:
    return member(Role.COORDINATOR, org_a)


def entry(membership: Membership, name: str, **fields: object) -> DirectoryEntry:
    values: dict[str, object] = {"actor_type": "ngo", "level": "local", "country": "ZZ", **fields}
    return directory_entry_create(acting=acting_of(membership), name=name, **values)


def test_an_entry_is_maintained_by_the_coordinators_organisation_and_codes_are_tidied(
    coordinator: Membership, org_a: Organisation
) -> None:
    created = entry(
        coordinator,
        "Lantern Valmora",
        stages=["destination", "source", "source"],
        services=["shelter", "legal", "shelter"],
        languages=["EN", " ro "],
    )
    assert created.maintained_by == org_a
    assert (created.stages, created.services, created.languages) == (
        ["source", "destination"],
        ["legal", "shelter"],
        ["en", "ro"],
    )
    assert AuditEntry.objects.filter(action="directory.create", object_id=str(created.pk)).count() == 1


def test_unknown_codes_are_refused_with_the_field(coordinator: Membership) -> None:
    with pytest.raises(ValidationError) as error:
        entry(coordinator, "Bad", stages=["moon"], services=["massage"], languages=["english"])
    assert set(error.value.message_dict) == {"stages", "services", "languages"}
    assert "Unknown service: massage." in error.value.message_dict["services"]
    assert DirectoryEntry.objects.count() == 0


def test_only_the_maintaining_organisations_coordinators_change_an_entry(
    coordinator: Membership, org_b: Organisation, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    created = entry(coordinator, "Open Door")
    with pytest.raises(PermissionDenied):
        directory_entry_update(acting=acting_of(member(Role.COORDINATOR, org_b)), entry=created, name="Taken")
    with pytest.raises(PermissionDenied):
        directory_entry_update(acting=acting_of(member(Role.CASE_WORKER, org_a)), entry=created, name="Taken")
    directory_entry_update(acting=acting_of(coordinator), entry=created, always_open=True, opening_hours="")
    created.refresh_from_db()
    assert (created.name, created.always_open) == ("Open Door", True)
    update = AuditEntry.objects.get(action="directory.update")
    assert update.detail == {"fields": ["always_open"]}


def test_a_palermo_organisation_has_at_most_one_entry(coordinator: Membership, org_a: Organisation) -> None:
    # Linked to the coordinator's own organisation: only its own coordinators may link an entry to it.
    entry(coordinator, "Alpha Shelter", linked_organisation=org_a)
    with pytest.raises(ValidationError) as error:
        entry(coordinator, "Alpha Shelter again", linked_organisation=org_a)
    assert list(error.value.message_dict) == ["linked_organisation"]


def test_services_offered_by_answers_for_linked_organisations_only(
    coordinator: Membership, org_a: Organisation, org_b: Organisation
) -> None:
    entry(coordinator, "Alpha Shelter", linked_organisation=org_a, services=["shelter", "psychological"])
    entry(coordinator, "Unlinked NGO", services=["legal"])
    assert services_offered_by([org_a.pk, org_b.pk]) == {org_a.pk: ["psychological", "shelter"]}
    assert services_offered_by([]) == {}


def test_search_and_filters(coordinator: Membership) -> None:
    shelter = entry(
        coordinator,
        "Safe Harbour",
        stages=["destination"],
        services=["shelter"],
        always_open=True,
        municipality="Valmora",
    )
    union = entry(
        coordinator, "Workers' Union", actor_type="workers", level="national", stages=["source"], services=["legal"]
    )
    ministry = entry(coordinator, "Ministry of Labour", actor_type="government", level="national", country="AT")
    acting = acting_of(coordinator)

    def names(**filters: object) -> list[str]:
        return [e.name for e in directory_entry_list(acting=acting, filters=DirectoryFilters(**filters))]  # type: ignore[arg-type]

    assert names() == [ministry.name, shelter.name, union.name]
    assert names(text="harb") == [shelter.name]
    assert names(actor_type="workers") == [union.name]
    assert names(level="national") == [ministry.name, union.name]
    assert names(stage="source") == [union.name]
    assert names(service="shelter") == [shelter.name]
    assert names(always_open=True) == [shelter.name]
    assert names(area="valmora") == [shelter.name]
    assert names(area="AT") == [ministry.name]


def test_the_directory_needs_a_role_that_may_see_it() -> None:
    with pytest.raises(PermissionDenied):
        directory_entry_list(acting=ActingUser.system())


# --- Pages ---------------------------------------------------------------------------------------------


def test_pages_by_kind_of_visitor(
    coordinator: Membership, org_a: Organisation, org_b: Organisation, member: Callable[..., Membership]
) -> None:
    created = entry(coordinator, "Open Door Valmora", safe_contact="Call 0800 000 000, weekdays")
    detail = reverse("directory:detail", args=[created.pk])
    edit = reverse("directory:update", args=[created.pk])
    assert Client().get(detail).status_code == 302  # anonymous: sign in first
    # Another organisation reads the shared directory but cannot change this entry.
    outsider = signed_in_client(member(Role.COORDINATOR, org_b))
    assert "Call 0800 000 000" in outsider.get(detail).content.decode()
    with nothing_changes():
        assert outsider.get(edit).status_code == 403
        assert outsider.post(edit, {"name": "Taken over"}).status_code == 403
    # A member without the planning role reads, cannot add.
    reader = signed_in_client(member(Role.FIRST_RESPONDER, org_a))
    assert reader.get(reverse("directory:list")).status_code == 200
    with nothing_changes():
        assert reader.get(reverse("directory:create")).status_code == 403
    # The maintainer's coordinator changes it.
    response = signed_in_client(coordinator).post(
        edit,
        {
            "name": "Open Door Valmora",
            "actor_type": "ngo",
            "level": "local",
            "country": "zz",
            "stages": ["destination"],
            "services": ["shelter", "hotline"],
            "languages": "en, ro",
            "always_open": "on",
        },
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.services, created.languages, created.always_open, created.country) == (
        ["hotline", "shelter"],
        ["en", "ro"],
        True,
        "ZZ",
    )


def test_the_list_filters_from_the_query(coordinator: Membership) -> None:
    entry(coordinator, "Night Shelter", always_open=True)
    entry(coordinator, "Day Centre", opening_hours="Mon-Fri 9-17")
    body = signed_in_client(coordinator).get(reverse("directory:list"), {"always_open": "on"}).content.decode()
    assert "Night Shelter" in body
    assert "Day Centre" not in body


def test_a_bad_form_keeps_the_input_and_says_why(coordinator: Membership) -> None:
    client = signed_in_client(coordinator)
    with nothing_changes():
        response = client.post(
            reverse("directory:create"), {"name": "Keep me", "actor_type": "ngo", "level": "local", "country": "Zed"}
        )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Keep me"' in body
    assert DirectoryEntry.objects.count() == 0


# --- API -----------------------------------------------------------------------------------------------


def test_api_create_search_and_change(coordinator: Membership, org_a: Organisation) -> None:
    client = api_client(coordinator)
    created = client.post(
        "/api/v1/directory",
        {"name": "Alpha Shelter", "actor_type": "ngo", "level": "local", "country": "ZZ", "services": ["shelter"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    entry_id = created.json()["id"]
    found = client.get("/api/v1/directory", {"service": "shelter"}).json()
    assert [e["id"] for e in found["results"]] == [entry_id]
    changed = client.patch(f"/api/v1/directory/{entry_id}", {"always_open": True}, format="json")
    assert changed.json()["always_open"] is True
    with nothing_changes():
        bad = client.post("/api/v1/directory", {"name": "X", "actor_type": "alien"}, format="json")
    assert bad.status_code == 400
    assert {"actor_type", "level", "country"} <= set(bad.json()["error"]["fields"])


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("analyst", 403), ("coordinator", 201)])
def test_api_adding_by_kind_of_client(
    who: str, status: int, coordinator: Membership, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    clients = {
        "anonymous": APIClient,
        "analyst": lambda: api_client(member(Role.ANALYST, org_a)),
        "coordinator": lambda: api_client(coordinator),
    }
    body = {"name": "New", "actor_type": "ngo", "level": "local", "country": "ZZ"}
    client = clients[who]()
    with contextlib.nullcontext() if status == 201 else nothing_changes():
        assert client.post("/api/v1/directory", body, format="json").status_code == status
    assert DirectoryEntry.objects.count() == (1 if status == 201 else 0)


def test_api_other_organisation_cannot_change_an_entry(
    coordinator: Membership, org_b: Organisation, member: Callable[..., Membership]
) -> None:
    created = entry(coordinator, "Mine")
    client = api_client(member(Role.COORDINATOR, org_b))
    assert client.get(f"/api/v1/directory/{created.pk}").status_code == 200
    with nothing_changes():
        assert client.patch(f"/api/v1/directory/{created.pk}", {"name": "Yours"}, format="json").status_code == 403
    created.refresh_from_db()
    assert created.name == "Mine"
