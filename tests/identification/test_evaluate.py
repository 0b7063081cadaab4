"""One evaluation interface: the API and the command line give the same answer for the same input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from palermo.identification.catalogues import CatalogueError
from palermo.identification.models import CatalogueVersion
from palermo.identification.services import catalogues_load
from palermo.organisations.models import Role
from tests.conftest import api_client, copy_of_migrated

PALERMO = Path(sys.executable).with_name("palermo")
LABOUR = "ilo-2009-adult-labour"
INPUT = {
    "age": 34,
    "answers": {
        "dr.nature_of_job": "yes",
        "dr.wages": "yes",
        "ec.excessive_hours": "yes",
        "ec.low_or_no_salary": "yes",
        "cd.documents": "yes",
        "cd.threats": "yes",
        "cr.debt_bondage": "unknown",
    },
    "palermo": {"act": ["recruitment"], "means": ["deception"], "purpose": ["forced_labour_or_services"]},
}


@pytest.fixture(scope="module")
def cli(tmp_path_factory, migrated_data_dir):  # type: ignore[no-untyped-def]
    data = copy_of_migrated(migrated_data_dir, tmp_path_factory.mktemp("screen"))
    env = {**os.environ, "PALERMO_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(PALERMO), *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)

    return run


@pytest.mark.django_db
def test_migrate_loads_every_shipped_catalogue():
    ids = set(CatalogueVersion.objects.values_list("catalogue_id", flat=True))
    assert {LABOUR, "municipal-general", "municipal-where-to-look"} <= ids
    assert catalogues_load().added == []


@pytest.mark.django_db
def test_a_changed_catalogue_needs_a_new_version():
    CatalogueVersion.objects.filter(catalogue_id=LABOUR).update(digest="0" * 64)
    with pytest.raises(CatalogueError, match="raise its version number"):
        catalogues_load()


@pytest.mark.django_db
def test_cli_and_api_give_identical_results(org_a, member, cli):
    api = api_client(member(Role.FIRST_RESPONDER, org_a)).post(
        "/api/v1/screenings/evaluate", {"catalogue": LABOUR, **INPUT}, format="json"
    )
    assert api.status_code == 200
    done = cli("screen", "evaluate", "--catalogue", LABOUR, "--answers", "-", stdin=json.dumps(INPUT))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == api.json()
    result = api.json()
    assert result["outcome"] == "indicated"
    assert result["unknown"] == ["cr.debt_bondage"]
    assert result["palermo"] == {"act": True, "means": True, "purpose": True, "child": False, "met": True}
    assert result["dimensions"]["coercion_at_destination"] == {
        "positive": True,
        "strong": 1,
        "medium": 1,
        "weak": 0,
        "indicators": ["cd.documents", "cd.threats"],
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"catalogue": "ilo-1999-nothing"}, "catalogue", "No catalogue 'ilo-1999-nothing'"),
        ({"answers": {"cd.passport": "yes"}}, "answers", "Not indicators of ilo-2009-adult-labour: cd.passport"),
        ({"answers": {"cd.documents": "probably"}}, "answers", "Answer yes, no or unknown"),
        ({"age": -4}, "age", "-4 is not possible"),
        ({"age": 512}, "age", "512 is not possible"),
    ],
)
def test_bad_input_is_refused_the_same_way_on_both_channels(org_a, member, cli, change, field, message):
    body = {"catalogue": LABOUR, **INPUT, **change}
    api = api_client(member(Role.CASE_WORKER, org_a)).post("/api/v1/screenings/evaluate", body, format="json")
    assert api.status_code == 400
    assert api.json()["error"]["code"] == "invalid"
    assert message in " ".join(api.json()["error"]["fields"][field])
    catalogue = body.pop("catalogue")
    done = cli("screen", "evaluate", "--catalogue", catalogue, "--answers", "-", stdin=json.dumps(body))
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_explains_unreadable_input(cli, tmp_path):
    missing = cli("screen", "evaluate", "--catalogue", LABOUR, "--answers", str(tmp_path / "none.json"))
    assert missing.returncode == 2
    assert "Cannot read" in missing.stderr
    broken = cli("screen", "evaluate", "--catalogue", LABOUR, "--answers", "-", stdin="{nope")
    assert broken.returncode == 2
    assert "is not valid JSON" in broken.stderr


def test_cli_lists_catalogues_with_their_indicator_ids(cli):
    listing = cli("screen", "catalogues").stdout
    assert "ilo-2009-adult-labour v1 (with strengths)" in listing
    assert "coercion_at_destination: cd.documents S, cd.debt_bondage S" in listing
    assert "municipal-where-to-look v1 (checklist)" in listing


@pytest.mark.django_db
def test_catalogues_endpoint_speaks_the_request_language(org_a, member):
    client = api_client(member(Role.ANALYST, org_a))
    english = {c["id"]: c for c in client.get("/api/v1/catalogues").json()}
    french = {c["id"]: c for c in client.get("/api/v1/catalogues", HTTP_ACCEPT_LANGUAGE="fr").json()}
    assert english[LABOUR]["dimensions"][0]["indicators"][0]["id"] == "dr.nature_of_job"
    assert english[LABOUR]["dimensions"][0]["indicators"][0]["strength"] == "strong"
    assert english[LABOUR]["title"] != french[LABOUR]["title"]


def test_evaluation_needs_a_token(client):
    assert client.post("/api/v1/screenings/evaluate", {}, content_type="application/json").status_code == 401
