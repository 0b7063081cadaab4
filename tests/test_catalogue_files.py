"""The indicator catalogue files: schema, unique and stable ids, both languages, and the ILO adult-labour table.

Plain YAML checks, no database and no import of the app, so a broken file is reported here with its
name whatever state the loader is in. The schema is described in
src/palermo/identification/catalogues/README.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

CATALOGUE_DIR = Path(__file__).resolve().parents[1] / "src" / "palermo" / "identification" / "catalogues"
LANGUAGES = ("en", "fr")
FORMS = {"general", "sexual", "labour", "begging_criminality", "any"}
AUDIENCES = {"adult", "child", "any"}
STRENGTHS = {"strong", "medium", "weak"}
ILO_DIMENSIONS = [
    "deceptive_recruitment",
    "coercive_recruitment",
    "abuse_of_vulnerability_recruitment",
    "exploitative_conditions",
    "coercion_at_destination",
    "abuse_of_vulnerability_destination",
]

CATALOGUE_KEYS = {
    "id",
    "version",
    "title",
    "description",
    "form_of_exploitation",
    "audience",
    "has_strengths",
    "source",
    "dimensions",
}
DIMENSION_REQUIRED = {"id", "title", "indicators"}
DIMENSION_OPTIONAL = {"help", "source"}
INDICATOR_REQUIRED = {"id", "text"}

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# A short prefix, then one or more snake_case parts: `dr.nature_of_job`, `wtl.workplace.no_breaks`.
INDICATOR_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9]*(_[a-z0-9]+)*)+$")

S, M, W = "strong", "medium", "weak"
ILO_ADULT_LABOUR = {
    "deceptive_recruitment": [
        ("dr.nature_of_job", S),
        ("dr.wages", M),
        ("dr.conditions", M),
        ("dr.contract", M),
        ("dr.housing", M),
        ("dr.documents", M),
        ("dr.travel", M),
        ("dr.marriage", M),
        ("dr.education", W),
    ],
    "coercive_recruitment": [
        ("cr.violence", S),
        ("cr.threats", M),
        ("cr.abduction", M),
        ("cr.debt_bondage", M),
        ("cr.documents", M),
        ("cr.isolation", M),
        ("cr.denunciation", M),
        ("cr.inform_family", M),
        ("cr.violence_family", M),
        ("cr.withholding_money", M),
    ],
    "abuse_of_vulnerability_recruitment": [
        ("ar.family_situation", M),
        ("ar.irregular_status", M),
        ("ar.lack_of_education", M),
        ("ar.lack_of_information", M),
        ("ar.control_by_exploiters", M),
        ("ar.economic_reasons", M),
        ("ar.false_info_law", M),
        ("ar.false_info_migration", M),
        ("ar.personal_situation", M),
        ("ar.emotional_dependency", M),
        ("ar.relationship_authorities", M),
        ("ar.general_context", W),
        ("ar.cultural_beliefs", W),
        ("ar.past_difficulties", W),
        ("ar.travel_difficulty", W),
    ],
    "exploitative_conditions": [
        ("ec.excessive_hours", S),
        ("ec.low_or_no_salary", M),
        ("ec.wage_manipulation", M),
        ("ec.bad_living_conditions", M),
        ("ec.hazardous_work", M),
        ("ec.very_bad_working_conditions", M),
        ("ec.no_respect_labour_law", M),
        ("ec.no_social_protection", M),
        ("ec.no_access_education", W),
    ],
    "coercion_at_destination": [
        ("cd.documents", S),
        ("cd.debt_bondage", S),
        ("cd.isolation", S),
        ("cd.violence", S),
        ("cd.threats", M),
        ("cd.illicit_activities", M),
        ("cd.forced_tasks", M),
        ("cd.under_strong_influence", M),
        ("cd.against_peers", M),
        ("cd.forced_to_lie", M),
        ("cd.denunciation", M),
        ("cd.worse_conditions", M),
        ("cd.violence_family", M),
        ("cd.withholding_wages", M),
        ("cd.inform_family", W),
    ],
    "abuse_of_vulnerability_destination": [
        ("ad.dependency", M),
        ("ad.unknown_area", M),
        ("ad.economic_reasons", M),
        ("ad.family_situation", M),
        ("ad.relationship_authorities", M),
        ("ad.past_difficulties", W),
        ("ad.personal_characteristics", W),
    ],
}

FILES = sorted(CATALOGUE_DIR.glob("*.yaml"))


def load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict), f"{path.name}: expected a mapping at the top"
    return data


def assert_text(value: Any, where: str) -> None:
    assert isinstance(value, dict), f"{where}: expected a mapping of language to text"
    assert set(value) == set(LANGUAGES), f"{where}: languages {sorted(value)}, expected {list(LANGUAGES)}"
    for language in LANGUAGES:
        text = value[language]
        assert isinstance(text, str), f"{where}.{language}: not a string"
        assert text.strip(), f"{where}.{language}: empty"
        assert text == text.strip(), f"{where}.{language}: leading or trailing white space"


def assert_source(value: Any, where: str) -> None:
    assert isinstance(value, dict), f"{where}: a source is a mapping"
    assert set(value) == {"document", "section"}, f"{where}: a source has exactly `document` and `section`"
    for key in ("document", "section"):
        assert isinstance(value[key], str), f"{where}.{key}: not a string"
        assert value[key].strip(), f"{where}.{key}: empty"


def test_the_folder_holds_catalogues() -> None:
    assert CATALOGUE_DIR.is_dir()
    assert FILES, f"no catalogue files in {CATALOGUE_DIR}"
    assert (CATALOGUE_DIR / "README.md").is_file()
    stray = [p.name for p in CATALOGUE_DIR.iterdir() if p.suffix == ".yml"]
    assert not stray, f"use the .yaml extension: {stray}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_catalogue_follows_the_schema(path: Path) -> None:
    data = load(path)
    name = path.stem
    assert set(data) == CATALOGUE_KEYS, (
        f"{name}: missing {sorted(CATALOGUE_KEYS - set(data))}, unknown {sorted(set(data) - CATALOGUE_KEYS)}"
    )
    assert data["id"] == name, f"{name}: id {data['id']!r} must equal the file name"
    assert KEBAB.match(name), f"{name}: catalogue ids are kebab-case"
    assert type(data["version"]) is int, f"{name}: version must be an integer"
    assert data["version"] >= 1, f"{name}: version starts at 1"
    assert_text(data["title"], f"{name}.title")
    assert_text(data["description"], f"{name}.description")
    assert data["form_of_exploitation"] in FORMS, f"{name}: form_of_exploitation {data['form_of_exploitation']!r}"
    assert data["audience"] in AUDIENCES, f"{name}: audience {data['audience']!r}"
    assert type(data["has_strengths"]) is bool, f"{name}: has_strengths must be true or false"
    assert_source(data["source"], f"{name}.source")

    has_strengths = data["has_strengths"]
    dimensions = data["dimensions"]
    assert isinstance(dimensions, list), f"{name}: dimensions is a list"
    assert dimensions, f"{name}: no dimensions"
    dimension_ids: set[str] = set()
    indicator_ids: set[str] = set()
    for dimension in dimensions:
        assert isinstance(dimension, dict), f"{name}: each dimension is a mapping"
        dimension_id = dimension.get("id")
        where = f"{name}/{dimension_id}"
        keys = set(dimension)
        allowed = DIMENSION_REQUIRED | DIMENSION_OPTIONAL
        assert keys >= DIMENSION_REQUIRED, f"{where}: missing {sorted(DIMENSION_REQUIRED - keys)}"
        assert keys <= allowed, f"{where}: unknown keys {sorted(keys - allowed)}"
        assert isinstance(dimension_id, str), f"{where}: the id is a string"
        assert SNAKE.match(dimension_id), f"{where}: dimension ids are snake_case"
        assert dimension_id not in dimension_ids, f"{where}: dimension id used twice"
        dimension_ids.add(dimension_id)
        assert_text(dimension["title"], f"{where}.title")
        if "help" in dimension:
            assert_text(dimension["help"], f"{where}.help")
        if "source" in dimension:
            assert_source(dimension["source"], f"{where}.source")

        indicators = dimension["indicators"]
        assert isinstance(indicators, list), f"{where}: indicators is a list"
        assert indicators, f"{where}: no indicators"
        for indicator in indicators:
            assert isinstance(indicator, dict), f"{where}: each indicator is a mapping"
            indicator_id = indicator.get("id")
            spot = f"{where}/{indicator_id}"
            keys = set(indicator)
            expected = INDICATOR_REQUIRED | ({"strength"} if has_strengths else set())
            assert keys == expected, f"{spot}: keys {sorted(keys)}, expected {sorted(expected)}"
            assert isinstance(indicator_id, str), f"{spot}: the id is a string"
            assert INDICATOR_ID.match(indicator_id), f"{spot}: indicator ids look like `prefix.snake_case`"
            assert indicator_id not in indicator_ids, f"{spot}: indicator id used twice in the catalogue"
            indicator_ids.add(indicator_id)
            if has_strengths:
                assert indicator["strength"] in STRENGTHS, f"{spot}: strength {indicator['strength']!r}"
            assert_text(indicator["text"], f"{spot}.text")

    if has_strengths:
        # The ILO sets: the six elements of the definition, in order, which the decision rules read.
        assert [d["id"] for d in dimensions] == ILO_DIMENSIONS, f"{name}: the ILO sets use the six ILO dimensions"


def test_catalogue_ids_are_unique() -> None:
    ids = [load(path)["id"] for path in FILES]
    assert len(ids) == len(set(ids)), f"catalogue ids used twice: {sorted({i for i in ids if ids.count(i) > 1})}"


def test_only_ilo_sets_have_strengths() -> None:
    for path in FILES:
        data = load(path)
        assert data["has_strengths"] == data["id"].startswith("ilo-"), f"{path.stem}: has_strengths"


def test_ilo_adult_labour_is_the_ilo_table() -> None:
    data = load(CATALOGUE_DIR / "ilo-2009-adult-labour.yaml")
    assert data["form_of_exploitation"] == "labour"
    assert data["audience"] == "adult"
    assert data["has_strengths"] is True
    found = {d["id"]: [(i["id"], i["strength"]) for i in d["indicators"]] for d in data["dimensions"]}
    assert list(found) == list(ILO_ADULT_LABOUR)
    for dimension_id, expected in ILO_ADULT_LABOUR.items():
        assert found[dimension_id] == expected, dimension_id
