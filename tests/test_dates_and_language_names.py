"""Pages people read show languages by name and dates with the month written out, in English and French:
never "ro", never 12/03/2026 (which is 12 March in Paris and 3 December in New York)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from freezegun import freeze_time

from palermo.audit.services import audit_record
from palermo.directory.services import directory_entry_create
from palermo.matrix.services import matrix_create
from palermo.organisations.models import Role
from palermo.people.services import person_create
from palermo.reporting.models import Tip, TipRoute
from tests.conftest import acting_of, signed_in_client, tip_reader
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NUMERIC_DATE = re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b")
MARCH_12 = datetime.datetime(2026, 3, 12, 14, 5, tzinfo=datetime.UTC)
WRITTEN = {"en": "Mar 12, 2026", "fr": "12 mars 2026"}


def _read(client, url: str, language: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_tip_shows_its_dates_with_the_month_written_and_its_language_by_name(org_a, language):
    cache.clear()
    reader = tip_reader(org_a)
    TipRoute.objects.create(exploitation="any", area="", organisation=org_a)
    Client().post("/report/ro/", {"description": "Muncitori închiși noaptea"})
    tip = Tip.objects.get()
    Tip.objects.filter(pk=tip.pk).update(received_at=MARCH_12)
    client = signed_in_client(reader)
    inbox = _read(client, "/tips/", language)
    assert WRITTEN[language] in inbox
    assert not NUMERIC_DATE.search(inbox)
    detail = _read(client, f"/tips/{tip.pk}/", language)
    assert {"en": "written in romanian", "fr": "roumain"}[language] in detail.lower()
    assert not NUMERIC_DATE.search(detail)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_audit_list_shows_written_dates(org_a, member, language):
    admin = member(Role.ORG_ADMIN, org_a)
    with freeze_time(MARCH_12):
        audit_record(acting=acting_of(admin), action="member.list")
    page = _read(signed_in_client(admin), "/audit/", language)
    assert WRITTEN[language] in page
    assert not NUMERIC_DATE.search(page)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_date_field_shows_its_date_in_iso_for_the_date_picker(org_a, language):
    # An <input type="date"> takes only ISO: Django's French format (12/03/2026) left the field empty.
    coordinator_membership = MembershipFactory(role=Role.COORDINATOR, organisation=org_a)
    made = matrix_create(acting=acting_of(coordinator_membership), title="Workshop", held_on=datetime.date(2026, 3, 12))
    page = _read(signed_in_client(coordinator_membership), f"/matrices/{made.pk}/edit/", language)
    assert 'type="date"' in page
    assert 'value="2026-03-12"' in page


@pytest.mark.parametrize(("language", "names"), [("en", "Romanian, Somali"), ("fr", "Roumain, Somali")])
def test_a_persons_languages_are_names(org_a, member, language, names):
    worker = member(Role.CASE_WORKER, org_a)
    person = person_create(acting=acting_of(worker), given_names="Ana", languages=["ro", "so"])
    page = _read(signed_in_client(worker), f"/people/{person.pk}/", language)
    assert f"<dd>{names}</dd>" in page


@pytest.mark.parametrize(("language", "names"), [("en", "Romanian, Bulgarian"), ("fr", "Roumain, Bulgare")])
def test_a_directory_entrys_languages_are_names(org_a, member, language, names):
    coordinator = member(Role.COORDINATOR, org_a)
    entry = directory_entry_create(
        acting=acting_of(coordinator),
        name="Valmora Helpline",
        actor_type="ngo",
        level="local",
        country="ZZ",
        languages=["ro", "bg"],
    )
    page = _read(signed_in_client(coordinator), f"/directory/{entry.pk}/", language)
    assert f"<dd>{names}</dd>" in page
