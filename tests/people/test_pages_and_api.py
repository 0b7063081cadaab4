"""Recording and finding people, on the page and through the API."""

from __future__ import annotations

import pytest

from palermo.organisations.models import Role
from palermo.people.models import Person
from palermo.people.services import person_create
from tests.conftest import actor_of, api_client, signed_in_client


@pytest.fixture
def worker(org_a, member):
    return member(Role.CASE_WORKER, org_a)


@pytest.mark.django_db
def test_search_by_exact_name_on_the_page_ignores_case_and_accents(worker):
    wanted = person_create(actor=actor_of(worker), given_names="Ana María", family_name="Peña")
    person_create(actor=actor_of(worker), given_names="Ana", family_name="Pena")
    response = signed_in_client(worker).post("/people/", {"name": "ana maria PENA"})
    assert list(response.context["page_obj"].object_list) == [wanted]
    nothing = signed_in_client(worker).post("/people/", {"name": "Nobody Here"})
    assert "No one with exactly that name" in nothing.content.decode()


@pytest.mark.django_db
def test_search_through_the_api_is_a_post_with_the_name_in_the_body(worker):
    person_create(actor=actor_of(worker), given_names="Ana María", family_name="Peña")
    api = api_client(worker)
    found = api.post("/api/v1/people/search", {"name": "Ana Maria Pena"}, format="json").json()
    assert [p["family_name"] for p in found["results"]] == ["Peña"]
    empty = api.post("/api/v1/people/search", {"name": ""}, format="json")
    assert empty.status_code == 400
    assert set(empty.json()["error"]["fields"]) == {"name"}


@pytest.mark.django_db
def test_recording_with_bad_input_explains_and_saves_nothing(worker):
    client = signed_in_client(worker)
    response = client.post("/people/new/", {"given_names": "", "date_of_birth": "31/31/1990"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"given_names", "date_of_birth"}
    future = client.post("/people/new/", {"given_names": "Ana", "date_of_birth": "2999-01-01"})
    assert "cannot be in the future" in future.content.decode()
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_a_recorded_person_opens_on_their_page(worker):
    client = signed_in_client(worker)
    response = client.post(
        "/people/new/", {"given_names": "Lin", "family_name": "Sample", "date_of_birth": "1990-02-03"}
    )
    person = Person.objects.get()
    assert response.headers["Location"] == f"/people/{person.pk}/"
    page = client.get(response.headers["Location"]).content.decode()
    assert "Lin Sample" in page
    assert "no-store" in client.get(f"/people/{person.pk}/").headers["Cache-Control"]
