"""The good practices library: the shipped file, its loading on migrate, filters, pages and API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from django.utils import translation

from palermo.organisations.models import Membership, Organisation, Role
from palermo.practices.library import FILE, LibraryError, library_load, read_library
from palermo.practices.models import GoodPractice
from palermo.practices.selectors import practice_list, practices_for_cell
from tests.conftest import acting_of, api_client, signed_in_client

pytestmark = pytest.mark.django_db

DOCUMENTED = {
    "berlin-alliance-labour-exploitation",
    "taxi-drivers-hotline-campaign",
    "la-strada-assistance-model",
    "crossroads-support-centres",
    "mekong-source-livelihoods",
    "mekong-transit-safe-migration",
    "mekong-destination-decent-work",
    "mekong-recruitment-guidelines",
}


@pytest.fixture
def reader(org_a: Organisation, member: Callable[..., Membership]) -> Membership:
    return member(Role.FIRST_RESPONDER, org_a)


def test_migrate_loaded_every_documented_practice_with_its_source() -> None:
    assert set(GoodPractice.objects.values_list("slug", flat=True)) == DOCUMENTED
    for practice in GoodPractice.objects.all():
        assert practice.source_document
        assert set(practice.title) == {"en", "fr"}


def test_loading_again_changes_nothing_and_a_silent_edit_is_refused(tmp_path: Path) -> None:
    report = library_load()
    assert (report.added, report.updated, len(report.unchanged)) == ([], [], len(DOCUMENTED))
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    data["practices"][0]["summary"]["en"] = "Edited without a new version."
    edited = tmp_path / "practices.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(LibraryError, match="changed since it was loaded: raise its version"):
        library_load(path=edited)
    data["practices"][0]["version"] = 2
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert library_load(path=edited).updated == ["berlin-alliance-labour-exploitation"]
    assert GoodPractice.objects.get(slug="berlin-alliance-labour-exploitation").summary["en"] == (
        "Edited without a new version."
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.update(areas=["prosecution"]), "`areas` must be a non-empty list"),
        (lambda p: p["title"].pop("fr"), "`title` needs an English and a French text"),
        (lambda p: p.pop("source"), "`source` needs the document"),
    ],
)
def test_a_malformed_entry_is_named(tmp_path: Path, change: Callable[[dict], object], message: str) -> None:
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    change(data["practices"][1])
    broken = tmp_path / "practices.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(LibraryError, match=f"taxi-drivers-hotline-campaign: {message}"):
        read_library(broken)


def test_texts_follow_the_language(reader: Membership) -> None:
    practice = GoodPractice.objects.get(slug="la-strada-assistance-model")
    with translation.override("fr"):
        assert practice.title_text == "Modèle d'assistance d'urgence et de long terme de La Strada"
    with translation.override("en"):
        assert practice.title_text == "La Strada model of emergency and long-term assistance"


def test_filters_by_tag_and_the_cell_practices(reader: Membership) -> None:
    acting = acting_of(reader)
    assert [p.slug for p in practice_list(acting=acting, stage="transit", level="policy")] == [
        "mekong-transit-safe-migration",
        "mekong-recruitment-guidelines",
    ]
    assert [p.slug for p in practice_list(acting=acting, form="sexual")] == ["taxi-drivers-hotline-campaign"]
    cell = practices_for_cell(acting=acting, level="outreach", area="prevention", stage="source")
    assert [p.slug for p in cell] == ["mekong-source-livelihoods"]


def test_pages_and_api(reader: Membership) -> None:
    assert Client().get(reverse("practices:list")).status_code == 302
    client = signed_in_client(reader)
    body = client.get(reverse("practices:list"), {"area": "assistance"}).content.decode()
    assert "La Strada model" in body
    assert "Taxi drivers" not in body
    detail = client.get(reverse("practices:detail", args=["crossroads-support-centres"])).content.decode()
    assert "Guidelines for Municipalities (Danube Region), 004" in detail
    assert client.get(reverse("practices:detail", args=["nope"])).status_code == 404
    api = api_client(reader)
    listed = api.get("/api/v1/practices", {"area": "safe_migration"}).json()
    assert [p["slug"] for p in listed] == ["mekong-transit-safe-migration", "mekong-recruitment-guidelines"]
    one = api.get("/api/v1/practices/taxi-drivers-hotline-campaign", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert one["source"]["section"] == "3.1, Good Example of Action: Greece"
