"""Who may see a person's record, on every page and endpoint that shows one.

Four kinds of client for each (as in Saleor's authorisation tests): anonymous, another
organisation, a member of the owner organisation without the role, and one with it.
"""

from __future__ import annotations

import contextlib

import pytest
from django.test import Client

from palermo.accounts.acting import SESSION_KEY
from palermo.audit.models import AuditEntry
from palermo.organisations.models import Role
from palermo.people.models import Person
from palermo.people.services import person_create
from palermo.permissions import ROLE_CAPABILITIES, SECOND_FACTOR_ROLES, Capability
from tests.conftest import ALL_ROLES, acting_of, api_client, nothing_changes, signed_in_client

SECRET_NAME = "Zoltana Quirinal"

# Who, in the owner organisation, may read a record that a first responder created.
READERS_IN_OWNER_ORG = {Role.CASE_WORKER, Role.DECISION_MAKER}


@pytest.fixture
def recorded(org_a, member):
    """A person recorded in org A by a first responder there."""
    responder = member(Role.FIRST_RESPONDER, org_a)
    person = person_create(acting=acting_of(responder), given_names="Zoltana", family_name="Quirinal")
    return responder, person


def _reads_people(role: str) -> bool:
    held = ROLE_CAPABILITIES[role]
    return Capability.PERSON_VIEW_OWN in held or Capability.PERSON_VIEW_ORGANISATION in held


def _page_urls(person: Person) -> list[str]:
    return [f"/people/{person.pk}/", f"/people/{person.pk}/edit/"]


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_and_sees_nothing(recorded):
    _, person = recorded
    for url in [*_page_urls(person), "/people/"]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login/")


@pytest.mark.django_db
def test_anonymous_api_is_refused(recorded):
    _, person = recorded
    for url in ["/api/v1/persons", f"/api/v1/persons/{person.pk}", "/api/v1/organisations"]:
        response = Client().get(url)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_other_organisation_gets_404_on_every_channel(recorded, org_b, member, role):
    _, person = recorded
    outsider = member(role, org_b)
    client = signed_in_client(outsider)
    api = api_client(outsider)
    reads, changes = _reads_people(role), Capability.PERSON_CHANGE in ROLE_CAPABILITIES[role]
    with nothing_changes():  # not even an audited read
        for url in _page_urls(person):
            response = client.get(url)
            assert response.status_code in (403, 404), url
            assert SECRET_NAME not in response.content.decode()
        assert client.get(f"/people/{person.pk}/").status_code == 404
        # The API refuses a role without the capability outright (403); a role with it finds nothing (404).
        assert api.get(f"/api/v1/persons/{person.pk}").status_code == (404 if reads else 403)
        changed = api.patch(f"/api/v1/persons/{person.pk}", {"given_names": "X"}, format="json")
        assert changed.status_code == (404 if changes else 403)
    listing = client.get("/people/")
    assert SECRET_NAME not in listing.content.decode()
    assert SECRET_NAME not in api.get("/api/v1/persons").content.decode()
    found = api.post("/api/v1/persons/search", {"query": SECRET_NAME}, format="json")
    assert found.status_code == (200 if reads else 403)
    assert SECRET_NAME not in found.content.decode()
    if reads:
        assert found.json()["results"] == []
    searched = client.post("/people/", {"name": SECRET_NAME})
    assert searched.status_code == 403 or list(searched.context["page_obj"].object_list) == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_owner_organisation_by_role(recorded, org_a, member, role):
    _, person = recorded
    colleague = member(role, org_a)
    client = signed_in_client(colleague)
    api = api_client(colleague)
    detail, api_detail = client.get(f"/people/{person.pk}/"), api.get(f"/api/v1/persons/{person.pk}")
    if role in READERS_IN_OWNER_ORG:
        assert detail.status_code == 200
        assert SECRET_NAME in detail.content.decode()
        assert api_detail.status_code == 200
        assert api_detail.json()["family_name"] == "Quirinal"
        assert SECRET_NAME in client.get("/people/").content.decode()
    else:
        # A different first responder, a coordinator, an analyst or an admin: never a person.
        assert detail.status_code == 404
        # The API refuses a role that never sees people (403); another first responder finds nothing (404).
        assert api_detail.status_code == (404 if _reads_people(role) else 403)
        assert SECRET_NAME not in api_detail.content.decode()
        assert SECRET_NAME not in client.get("/people/").content.decode()
        assert SECRET_NAME not in api.get("/api/v1/persons").content.decode()


@pytest.mark.django_db
def test_first_responder_sees_only_what_they_recorded(recorded, org_a, member):
    responder, person = recorded
    own = signed_in_client(responder).get(f"/people/{person.pk}/")
    assert own.status_code == 200
    assert SECRET_NAME in own.content.decode()
    # ...but may not change it once handed over: that is the case worker's job.
    client, api = signed_in_client(responder), api_client(responder)
    with nothing_changes():
        assert client.get(f"/people/{person.pk}/edit/").status_code == 403
        assert client.post(f"/people/{person.pk}/edit/", {"given_names": "Changed"}).status_code == 403
    with nothing_changes(reads_audited=True):  # the API may read the record (audited) before refusing the change
        response = api.patch(f"/api/v1/persons/{person.pk}", {"given_names": "Changed"}, format="json")
        assert response.status_code == 403
    person.refresh_from_db()
    assert person.given_names == "Zoltana"


@pytest.mark.django_db
def test_case_worker_changes_a_record_through_page_and_api(recorded, org_a, member):
    _, person = recorded
    worker = member(Role.CASE_WORKER, org_a)
    response = signed_in_client(worker).post(
        f"/people/{person.pk}/edit/", {"given_names": "Zoltana Maria", "family_name": "Quirinal"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.given_names == "Zoltana Maria"
    response = api_client(worker).patch(
        f"/api/v1/persons/{person.pk}", {"given_names": "Zoe", "family_name": "Quirinal"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["given_names"] == "Zoe"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_record_a_person(org_a, member, role):
    membership = member(role, org_a)
    may = Capability.PERSON_CREATE in ROLE_CAPABILITIES[role]
    client, api_of_member = signed_in_client(membership), api_client(membership)
    with contextlib.nullcontext() if may else nothing_changes():
        page = client.post("/people/new/", {"given_names": "Ana", "family_name": "Test"})
        api = api_of_member.post("/api/v1/persons", {"given_names": "Ana"}, format="json")
    assert page.status_code == (302 if may else 403)
    assert api.status_code == (201 if may else 403)
    assert Person.objects.count() == (2 if may else 0)
    if not may:
        assert api.json() == {
            "error": {"code": "permission_denied", "message": "Your role may not do this.", "fields": {}}
        }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "capability"),
    [
        ("/audit/", Capability.AUDIT_VIEW),
        ("/audit/export.csv", Capability.AUDIT_VIEW),
        ("/organisations/members/", Capability.MEMBERS_MANAGE),
        ("/organisations/", Capability.DIRECTORY_VIEW),
    ],
)
def test_role_gated_pages(org_a, member, url, capability):
    for role in ALL_ROLES:
        client = signed_in_client(member(role, org_a))
        may = capability in ROLE_CAPABILITIES[role]
        with contextlib.nullcontext() if may else nothing_changes():
            response = client.get(url)
        assert response.status_code == (200 if may else 403), (role, url)


@pytest.mark.django_db
def test_audit_trail_shows_only_own_organisation(org_a, org_b, member):
    admin_a, admin_b = member(Role.ORG_ADMIN, org_a), member(Role.ORG_ADMIN, org_b)
    worker_b = member(Role.CASE_WORKER, org_b)
    person_create(acting=acting_of(worker_b), given_names="Beta", family_name="Person")
    export = b"".join(signed_in_client(admin_a).get("/audit/export.csv").streaming_content).decode()  # type: ignore[attr-defined]
    assert "person.create" not in export
    export_b = b"".join(signed_in_client(admin_b).get("/audit/export.csv").streaming_content).decode()  # type: ignore[attr-defined]
    assert "person.create" in export_b
    assert AuditEntry.objects.filter(organisation=org_b, action="person.create").count() == 1


@pytest.mark.django_db
def test_switching_to_a_membership_that_is_not_yours_is_refused(org_a, org_b, member):
    mine = member(Role.CASE_WORKER, org_a)
    theirs = member(Role.CASE_WORKER, org_b)
    client = signed_in_client(mine)
    with nothing_changes():
        client.post("/acting-for/", {"membership": theirs.pk})
    assert client.session[SESSION_KEY] == mine.pk
    assert "Beta Police" not in client.get("/").content.decode()
    assert "Alpha Shelter" in client.get("/").content.decode()


@pytest.mark.django_db
def test_user_with_two_organisations_acts_for_one_at_a_time(org_a, org_b, member):
    first = member(Role.CASE_WORKER, org_a)
    second = member(Role.CASE_WORKER, org_b, user=first.user)
    person_create(acting=acting_of(second), given_names="Only", family_name="InBeta")
    client = signed_in_client(first)
    assert "InBeta" not in client.get("/people/").content.decode()
    client.post("/acting-for/", {"membership": second.pk})
    assert "InBeta" in client.get("/people/").content.decode()


def test_second_factor_is_required_for_every_role_that_sees_people():
    for role, caps in ROLE_CAPABILITIES.items():
        if caps & {Capability.PERSON_VIEW_OWN, Capability.PERSON_VIEW_ORGANISATION}:
            assert role in SECOND_FACTOR_ROLES
