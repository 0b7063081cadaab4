"""Recording, reading and finding people, on the pages and through the API."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from palermo.audit.models import AuditEntry
from palermo.organisations.models import Role
from palermo.people.models import Person, PersonSearchToken
from palermo.people.services import person_create
from palermo.permissions import ROLE_CAPABILITIES, Capability
from tests.conftest import ALL_ROLES, acting_of, api_client, nothing_changes, signed_in_client

pytestmark = pytest.mark.django_db

FULL = {
    "given_names": "Olena",
    "family_name": "Petrenko",
    "aliases": ["Lena", "Helen"],
    "name_original_script": "Олена Петренко",
    "date_of_birth": "1990-05-17",
    "estimated_age": None,
    "sex": "female",
    "gender_identity": "woman",
    "citizenships": ["UA", "MD"],
    "languages": ["uk", "ru"],
    "interpreter_needed": True,
    "safe_contact": "Text the shelter phone after 18:00",
    "residence_status": "Temporary protection",
    "dependants": "Two children, 4 and 7",
}


# --- pages -------------------------------------------------------------------------------------


def test_search_page_ignores_case_accents_and_typos(worker):
    wanted = person_create(acting=acting_of(worker), given_names="Ana María", family_name="Peña")
    person_create(acting=acting_of(worker), given_names="Grace", family_name="Okafor")
    response = signed_in_client(worker).post("/people/", {"query": "ana maria PENA"})
    assert response.context["found"] == [wanted]
    page = response.content.decode()
    assert "Ana María Peña" in page
    assert wanted.reference in page
    typo = signed_in_client(worker).post("/people/", {"query": "Ana Maira Pena"})
    assert typo.context["found"] == [wanted]
    nothing = signed_in_client(worker).post("/people/", {"query": "Nobody Here"})
    assert "No one in your records looks like this" in nothing.content.decode()


def test_search_page_without_anything_to_look_for_explains(worker):
    client = signed_in_client(worker)
    with nothing_changes():  # no search was run, so none is audited
        response = client.post("/people/", {"query": " "})
    assert response.status_code == 400
    assert "Type a name, or give a date of birth or a citizenship" in response.content.decode()


def test_the_search_is_audited_by_ids_never_by_query(worker, caplog):
    caplog.set_level(logging.DEBUG)
    person = person_create(acting=acting_of(worker), given_names="Zoltana", family_name="Quirinal")
    signed_in_client(worker).post("/people/", {"query": "Zoltana Quirinall", "citizenship": "RO"})
    entry = AuditEntry.objects.filter(action="person.search").get()
    assert entry.detail == {"ids": [], "filters": ["citizenship"]}
    signed_in_client(worker).post("/people/", {"query": "Zoltana Quirinall"})
    entry = AuditEntry.objects.filter(action="person.search").latest("pk")
    assert entry.detail == {"ids": [person.pk], "filters": []}
    everything = str(list(AuditEntry.objects.values_list("detail", flat=True)))
    assert "Zoltana" not in everything
    assert "Quirinal" not in everything
    assert "Zoltana" not in "\n".join(record.getMessage() for record in caplog.records)


def test_the_index_holds_no_name(worker):
    from django.db import connection

    person = person_create(acting=acting_of(worker), **{**FULL, "date_of_birth": None})
    tokens = PersonSearchToken.objects.filter(person=person)
    assert tokens.count() > 20
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_personsearchtoken")
        raw = str(cursor.fetchall())
        cursor.execute("SELECT * FROM people_person")
        raw += str(cursor.fetchall())
    # Long enough that random base64 ciphertext does not contain them by chance.
    for secret in ("olena", "Olena", "petrenko", "Петренко", "shelter", "Temporary"):
        assert secret not in raw


def test_a_person_without_a_name_is_recorded_under_a_reference(worker):
    client = signed_in_client(worker)
    response = client.post("/people/new/", {"sex": "unknown", "estimated_age": "30"})
    person = Person.objects.get()
    assert response.headers["Location"] == f"/people/{person.pk}/"
    assert person.reference.startswith("P-")
    assert person.display_name == person.reference
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert f"<h1>{person.reference}</h1>" in page
    second = person_create(acting=acting_of(worker))
    assert second.reference != person.reference


def test_recording_with_every_field_and_reading_it_back(worker):
    client = signed_in_client(worker)
    form = {**FULL, "aliases": "Lena\nHelen", "interpreter_needed": "yes", "estimated_age": ""}
    response = client.post("/people/new/", form)
    person = Person.objects.get()
    assert response.headers["Location"] == f"/people/{person.pk}/"
    assert person.aliases == ["Lena", "Helen"]
    assert person.citizenships == ["UA", "MD"]
    assert person.interpreter_needed is True
    assert person.languages == ["uk", "ru"]
    page = client.get(f"/people/{person.pk}/")
    text = page.content.decode()
    for shown in ("Олена Петренко", "Lena, Helen", "Ukraine", "Moldova", "Ukrainian", "Temporary protection"):
        assert shown in text
    assert "no-store" in page.headers["Cache-Control"]
    assert AuditEntry.objects.filter(action="person.view", object_id=str(person.pk)).exists()


def test_recording_with_bad_input_explains_and_saves_nothing(worker):
    client = signed_in_client(worker)
    with nothing_changes():
        response = client.post(
            "/people/new/",
            {"given_names": "Ana", "date_of_birth": "31/31/1990", "citizenships": ["XX"], "estimated_age": "200"},
        )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"date_of_birth", "citizenships", "estimated_age"}
    assert 'value="Ana"' in response.content.decode()  # what was typed is kept
    future = client.post("/people/new/", {"given_names": "Ana", "date_of_birth": "2999-01-01"})
    assert "cannot be in the future" in future.content.decode()
    assert Person.objects.count() == 0


def test_recording_starts_with_likely_duplicates(worker):
    existing = person_create(acting=acting_of(worker), given_names="Olena", family_name="Petrenko")
    client = signed_in_client(worker)
    response = client.post("/people/new/", {"given_names": "Olena", "family_name": "Petrenco"})
    assert response.status_code == 200
    assert response.context["duplicates"][0]["person"] == existing
    page = response.content.decode()
    assert "This person may already be recorded" in page
    assert f"/people/{existing.pk}/" in page
    assert Person.objects.count() == 1  # nothing saved yet
    confirmed = client.post(
        "/people/new/", {"given_names": "Olena", "family_name": "Petrenco", "confirm_different": "1"}
    )
    assert confirmed.status_code == 302
    assert Person.objects.count() == 2


def test_a_first_responder_sees_a_colleagues_duplicate_by_reference_only(worker, org_a, member):
    theirs = person_create(acting=acting_of(worker), given_names="Olena", family_name="Petrenko")
    responder = member(Role.FIRST_RESPONDER, org_a)
    response = signed_in_client(responder).post("/people/new/", {"given_names": "Olena", "family_name": "Petrenko"})
    page = response.content.decode()
    assert theirs.reference in page
    assert "recorded by a colleague" in page
    assert f"/people/{theirs.pk}/" not in page


def test_changing_details(worker):
    person = person_create(acting=acting_of(worker), given_names="Olena", family_name="Petrenko", aliases=["Lena"])
    client = signed_in_client(worker)
    form = client.get(f"/people/{person.pk}/edit/").content.decode()
    assert "Lena" in form
    assert person.reference in form
    response = client.post(f"/people/{person.pk}/edit/", {"given_names": "Olena", "family_name": "Shevchenko"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.family_name == "Shevchenko"
    assert person.aliases == []
    entry = AuditEntry.objects.filter(action="person.update").get()
    assert set(entry.detail["fields"]) == {"family_name", "aliases"}


# --- authorisation ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_search_and_record_by_role(org_a, member, role):
    may_see = bool(ROLE_CAPABILITIES[role] & {Capability.PERSON_VIEW_OWN, Capability.PERSON_VIEW_ORGANISATION})
    may_create = Capability.PERSON_CREATE in ROLE_CAPABILITIES[role]
    someone = member(role, org_a)
    client, api = signed_in_client(someone), api_client(someone)
    search = client.post("/people/", {"query": "Olena"})
    assert search.status_code == (200 if may_see else 403)
    api_search = api.post("/api/v1/persons/search", {"query": "Olena"}, format="json")
    assert api_search.status_code == (200 if may_see else 403)
    created = api.post("/api/v1/persons", {"given_names": "Olena"}, format="json")
    assert created.status_code == (201 if may_create else 403)
    assert client.get("/people/new/").status_code == (200 if may_create else 403)


def test_anonymous_is_refused_everywhere():
    assert Client().post("/people/", {"query": "Olena"}).status_code == 302
    for method, url in [("post", "/api/v1/persons"), ("post", "/api/v1/persons/search"), ("get", "/api/v1/persons/1")]:
        response = getattr(Client(), method)(url)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


def test_another_organisation_never_finds_nor_opens(worker, org_b, member):
    person = person_create(acting=acting_of(worker), given_names="Zoltana", family_name="Quirinal")
    outsider = member(Role.CASE_WORKER, org_b)
    api = api_client(outsider)
    assert api.post("/api/v1/persons/search", {"query": "Zoltana Quirinal"}, format="json").json()["results"] == []
    with nothing_changes():
        assert api.get(f"/api/v1/persons/{person.pk}").status_code == 404
        assert api.patch(f"/api/v1/persons/{person.pk}", {"family_name": "X"}, format="json").status_code == 404
    duplicates = api.post("/api/v1/persons/possible-duplicates", {"given_names": "Zoltana"}, format="json")
    assert duplicates.json()["results"] == []
    assert signed_in_client(outsider).post("/people/", {"query": "Zoltana"}).context["found"] == []


# --- API -----------------------------------------------------------------------------------------


def test_api_records_reads_and_changes_a_person(worker):
    api = api_client(worker)
    created = api.post("/api/v1/persons", FULL, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["reference"].startswith("P-")
    assert body["display_name"] == "Olena Petrenko"
    assert body["possible_duplicates"] == []
    read = api.get(f"/api/v1/persons/{body['id']}").json()
    assert {name: read[name] for name in FULL} == FULL
    changed = api.patch(f"/api/v1/persons/{body['id']}", {"languages": ["uk"]}, format="json").json()
    assert changed["languages"] == ["uk"]
    assert changed["citizenships"] == ["UA", "MD"]


def test_api_accepts_a_person_with_no_name(worker):
    created = api_client(worker).post("/api/v1/persons", {}, format="json")
    assert created.status_code == 201
    assert created.json()["display_name"] == created.json()["reference"]


def test_api_shows_likely_duplicates_before_and_after_recording(worker):
    existing = person_create(acting=acting_of(worker), given_names="Olena", family_name="Petrenko")
    api = api_client(worker)
    before = api.post("/api/v1/persons/possible-duplicates", {"name_original_script": "Олена Петренко"}, format="json")
    assert [p["id"] for p in before.json()["results"]] == [existing.pk]
    assert Person.objects.count() == 1
    created = api.post("/api/v1/persons", {"given_names": "Olena", "family_name": "Petrenco"}, format="json").json()
    assert [p["reference"] for p in created["possible_duplicates"]] == [existing.reference]


def test_api_search_finds_across_scripts(worker):
    person = person_create(acting=acting_of(worker), given_names="Olena", family_name="Petrenko")
    found = api_client(worker).post("/api/v1/persons/search", {"query": "Олена Петренко"}, format="json")
    assert found.status_code == 200
    assert found.json()["results"] == [
        {"id": person.pk, "reference": person.reference, "display_name": "Olena Petrenko", "date_of_birth": None}
    ]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"citizenships": ["XX"]}, {"citizenships"}),
        ({"languages": ["klingon"]}, {"languages"}),
        ({"sex": "robot", "estimated_age": -1}, {"sex", "estimated_age"}),
        ({"date_of_birth": "2999-01-01"}, {"date_of_birth"}),
        ({"aliases": "not a list"}, {"aliases"}),
    ],
)
def test_api_bad_input_is_a_400_naming_the_fields(worker, body, fields):
    api = api_client(worker)
    with nothing_changes():
        response = api.post("/api/v1/persons", body, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == fields
    assert Person.objects.count() == 0


def test_api_search_bad_input(worker):
    api = api_client(worker)
    with nothing_changes():
        empty = api.post("/api/v1/persons/search", {"query": ""}, format="json")
    assert empty.status_code == 400
    assert set(empty.json()["error"]["fields"]) == {"query"}
    wrong = api.post(
        "/api/v1/persons/search", {"query": "x", "citizenship": "XX", "date_of_birth": "soon"}, format="json"
    )
    assert set(wrong.json()["error"]["fields"]) == {"citizenship", "date_of_birth"}


def test_the_older_people_endpoints_are_gone(worker):
    api = api_client(worker)
    created = api.post("/api/v1/persons", {"given_names": "Ana María", "family_name": "Peña"}, format="json")
    assert created.status_code == 201
    assert created.json()["reference"].startswith("P-")
    found = api.post("/api/v1/persons/search", {"query": "Ana Maria Pena"}, format="json").json()
    assert [p["id"] for p in found["results"]] == [created.json()["id"]]
    listed = api.get("/api/v1/persons").json()
    assert [p["family_name"] for p in listed["results"]] == ["Peña"]
    for gone in (api.get("/api/v1/people"), api.post("/api/v1/people/search", {"name": "Ana"}, format="json")):
        assert (gone.status_code, gone.json()["error"]["code"]) == (404, "not_found")


def test_schema_documents_the_persons_paths(worker):
    schema = Client().get("/api/v1/schema", HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/v1/persons", "/api/v1/persons/{person_id}", "/api/v1/persons/search", "possible_duplicates"):
        assert path in schema
