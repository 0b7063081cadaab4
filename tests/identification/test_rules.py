"""Every branch of the screening rules, on a catalogue built here with the ILO structure."""

from __future__ import annotations

import datetime

import pytest

from palermo.identification.catalogues import parse_catalogue
from palermo.identification.rules import (
    INDICATED,
    INSUFFICIENT,
    NOT_INDICATED,
    POSSIBLE,
    EvaluationInputError,
    dimension_is_positive,
    evaluate,
    parse_input,
)

# Per dimension: (strong, medium, weak) indicator ids. Enough of each to test every combination.
SHAPE = {
    "deceptive_recruitment": ("dr.s1", "dr.s2", "dr.m1", "dr.m2", "dr.m3", "dr.w1"),
    "coercive_recruitment": ("cr.s1", "cr.s2", "cr.m1", "cr.m2", "cr.m3", "cr.w1"),
    "abuse_of_vulnerability_recruitment": ("ar.s1", "ar.s2", "ar.m1", "ar.m2", "ar.m3", "ar.w1"),
    "exploitative_conditions": ("ec.s1", "ec.s2", "ec.m1", "ec.m2", "ec.m3", "ec.w1"),
    "coercion_at_destination": ("cd.s1", "cd.s2", "cd.m1", "cd.m2", "cd.m3", "cd.w1"),
    "abuse_of_vulnerability_destination": ("ad.s1", "ad.s2", "ad.m1", "ad.m2", "ad.m3", "ad.w1"),
}
STRENGTH = {"s": "strong", "m": "medium", "w": "weak"}


def _catalogue(has_strengths: bool = True):  # type: ignore[no-untyped-def]
    def indicator(ident: str) -> dict[str, object]:
        item: dict[str, object] = {"id": ident, "text": {"en": ident}}
        if has_strengths:
            item["strength"] = STRENGTH[ident.split(".")[1][0]]
        return item

    return parse_catalogue(
        {
            "id": "test",
            "version": 1,
            "title": {"en": "Test"},
            "description": {"en": "Test"},
            "form_of_exploitation": "labour",
            "audience": "adult",
            "has_strengths": has_strengths,
            "source": {"document": "test", "section": "1"},
            "dimensions": [
                {"id": d, "title": {"en": d.replace("_", " ")}, "indicators": [indicator(i) for i in ids]}
                for d, ids in SHAPE.items()
            ],
        },
        name="test",
    )


ILO = _catalogue()


def run(*yes: str, age: int | None = 30, unknown: tuple[str, ...] = (), palermo=None, catalogue=ILO, rest="no"):  # type: ignore[no-untyped-def]
    """A screening answering `yes` yes, `unknown` don't know, and every other question `rest` (None: not asked)."""
    answers = dict.fromkeys(catalogue.indicators, rest) if rest else {}
    answers |= dict.fromkeys(yes, "yes") | dict.fromkeys(unknown, "unknown")
    return evaluate(catalogue, parse_input(catalogue, {"age": age, "answers": answers, "palermo": palermo or {}}))


@pytest.mark.parametrize(
    ("strong", "medium", "weak", "positive"),
    [
        (0, 0, 0, False),
        (1, 0, 0, False),
        (2, 0, 0, True),
        (1, 1, 0, True),
        (1, 0, 1, True),
        (0, 3, 0, True),
        (0, 2, 0, False),
        (0, 2, 1, True),
        (0, 1, 1, False),
        (0, 1, 9, False),
        (0, 0, 9, False),
        (3, 3, 3, True),
    ],
)
def test_dimension_rule(strong, medium, weak, positive):
    assert dimension_is_positive(strong, medium, weak) is positive


@pytest.mark.parametrize(
    ("yes", "positive"),
    [
        (("cd.s1", "cd.s2"), True),
        (("cd.s1", "cd.m1"), True),
        (("cd.s1", "cd.w1"), True),
        (("cd.m1", "cd.m2", "cd.m3"), True),
        (("cd.m1", "cd.m2", "cd.w1"), True),
        (("cd.s1",), False),
        (("cd.m1", "cd.m2"), False),
        (("cd.m1", "cd.w1"), False),
    ],
)
def test_a_dimension_counts_its_answers(yes, positive):
    result = run(*yes).dimensions["coercion_at_destination"]
    assert result.positive is positive
    assert result.indicators == list(yes)
    assert (result.strong, result.medium, result.weak) == tuple(
        sum(1 for i in yes if i.split(".")[1][0] == k) for k in "smw"
    )


EXPLOITATION = ("ec.s1", "ec.m1")
DESTINATION = ("cd.s1", "cd.s2")


@pytest.mark.parametrize("recruitment", [("dr.s1", "dr.m1"), ("cr.m1", "cr.m2", "cr.m3"), ("ar.m1", "ar.m2", "ar.w1")])
@pytest.mark.parametrize("destination", [DESTINATION, ("ad.m1", "ad.m2", "ad.m3")])
def test_adult_indicated_needs_recruitment_exploitation_and_destination(recruitment, destination):
    assert run(*recruitment, *EXPLOITATION, *destination).outcome == INDICATED


@pytest.mark.parametrize(
    "yes",
    [
        (*EXPLOITATION, *DESTINATION),  # no recruitment
        ("dr.s1", "dr.m1", *DESTINATION),  # no exploitative conditions
        ("dr.s1", "dr.m1", *EXPLOITATION),  # nothing at destination
        ("dr.s1", "dr.m1", "ec.s1", *DESTINATION),  # exploitation has only one strong: not positive
    ],
)
def test_adult_with_a_part_missing_is_possible(yes):
    assert run(*yes).outcome == POSSIBLE


def test_a_single_strong_sign_makes_it_possible():
    evaluation = run("cd.s1")
    assert not any(d.positive for d in evaluation.dimensions.values())
    assert evaluation.outcome == POSSIBLE


def test_weak_and_medium_signs_below_every_threshold_are_not_indicated():
    assert run("dr.m1", "dr.w1", "ec.m1", "cd.w1").outcome == NOT_INDICATED
    assert run().outcome == NOT_INDICATED


def test_unknown_age_is_judged_as_an_adult():
    assert run(*EXPLOITATION, "dr.w1", age=None).outcome == POSSIBLE
    assert run("dr.s1", "dr.m1", *EXPLOITATION, *DESTINATION, age=None).outcome == INDICATED


def test_a_child_needs_exploitation_and_any_recruitment_sign_but_no_means():
    child = run(*EXPLOITATION, "ar.w1", age=15)
    assert child.outcome == INDICATED
    assert child.palermo.child
    # The same answers for an adult are only possible.
    assert run(*EXPLOITATION, "ar.w1", age=18).outcome == POSSIBLE


def test_a_child_without_any_recruitment_sign_is_possible():
    assert run(*EXPLOITATION, *DESTINATION, age=12).outcome == POSSIBLE


def test_a_child_without_exploitative_conditions_is_not_indicated():
    assert run("dr.s1", "dr.m1", *DESTINATION, age=9).outcome == POSSIBLE
    assert run("dr.m1", age=9).outcome == NOT_INDICATED


def test_unknown_answers_count_as_absent_and_are_listed():
    evaluation = run("dr.s1", "dr.m1", *EXPLOITATION, "cd.s1", unknown=("cd.s2", "ad.m1"))
    assert evaluation.outcome == POSSIBLE
    assert evaluation.unknown == ["cd.s2", "ad.m1"]
    assert "2 answers are unknown" in evaluation.explanation
    assert "cd.s2" not in evaluation.dimensions["coercion_at_destination"].indicators


def test_a_checklist_without_strengths_is_possible_at_most():
    checklist = _catalogue(has_strengths=False)
    everything = tuple(i for ids in SHAPE.values() for i in ids)
    full = run(*everything, catalogue=checklist)
    assert full.outcome == POSSIBLE
    assert all(d.positive for d in full.dimensions.values())
    assert all((d.strong, d.medium, d.weak) == (0, 0, 0) for d in full.dimensions.values())
    assert "36 signs from this checklist are present" in full.explanation
    assert run(catalogue=checklist).outcome == NOT_INDICATED
    assert run(catalogue=checklist, rest=None).outcome == INSUFFICIENT


@pytest.mark.parametrize(
    ("age", "palermo", "met"),
    [
        (30, {"act": ["recruitment"], "means": ["deception"], "purpose": ["forced_labour_or_services"]}, True),
        (30, {"act": ["recruitment"], "purpose": ["forced_labour_or_services"]}, False),
        (None, {"act": ["transport"], "purpose": ["servitude"]}, False),
        (16, {"act": ["harbouring"], "purpose": ["sexual_exploitation"]}, True),
        (16, {"act": ["harbouring"], "means": ["coercion"]}, False),
        (30, {}, False),
    ],
)
def test_palermo_elements(age, palermo, met):
    result = run(age=age, palermo=palermo).palermo
    assert result.met is met
    assert result.child is (age is not None and age < 18)
    assert (result.act, result.means, result.purpose) == (
        bool(palermo.get("act")),
        bool(palermo.get("means")),
        bool(palermo.get("purpose")),
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"answers": {"dr.nope": "yes"}}, "answers", "Not indicators of test: dr.nope"),
        ({"answers": {"dr.s1": "maybe"}}, "answers", "Answer yes, no or unknown; not so for: dr.s1"),
        ({"answers": ["dr.s1"]}, "answers", "Give the answers as an object"),
        ({"age": -1}, "age", "-1 is not possible"),
        ({"age": 200}, "age", "200 is not possible"),
        ({"age": "25"}, "age", "whole number"),
        ({"age": True}, "age", "whole number"),
        ({"age": 25.5}, "age", "whole number"),
        ({"palermo": {"act": ["kidnap"]}}, "palermo", "act takes a list of"),
        ({"palermo": {"motive": ["x"]}}, "palermo", "Unknown element 'motive'"),
        ({"palermo": {"act": "recruitment"}}, "palermo", "act takes a list of"),
        ({"answer": {}}, "non_field_errors", "Unexpected keys: answer"),
    ],
)
def test_bad_input_names_the_problem(data, field, message):
    with pytest.raises(EvaluationInputError) as raised:
        parse_input(ILO, data)
    assert message in " ".join(raised.value.fields[field])


def test_every_problem_is_reported_at_once():
    with pytest.raises(EvaluationInputError) as raised:
        parse_input(ILO, {"age": -3, "answers": {"x": "y"}, "palermo": {"act": ["?"]}})
    assert set(raised.value.fields) == {"age", "answers", "palermo"}


@pytest.mark.parametrize(
    ("kwargs", "child"),
    [
        ({"age": 17}, True),
        ({"age": 18}, False),
        ({"age": None}, False),  # unknown is not a child's age: the rules then ask for all three elements
        ({"age": True}, False),  # a stray boolean from a form is not an age
        ({"born": datetime.date(2008, 12, 4), "on": datetime.date(2026, 12, 3)}, True),  # eighteen tomorrow
        ({"born": datetime.date(2008, 12, 3), "on": datetime.date(2026, 12, 3)}, False),  # eighteen today
        ({"born": datetime.date(2008, 12, 4), "age": 30, "on": datetime.date(2026, 12, 3)}, True),  # birth date wins
    ],
)
def test_one_rule_says_who_is_a_child(kwargs, child):
    from palermo.identification.rules import is_child

    assert is_child(**kwargs) is child


# --- Too few answers: "not enough information to assess", never "not indicated" --------------------------

ALL = tuple(i for ids in SHAPE.values() for i in ids)


def answered(*ids: str, value: str = "no"):  # type: ignore[no-untyped-def]
    return evaluate(ILO, parse_input(ILO, {"age": 30, "answers": dict.fromkeys(ids, value)}))


def test_an_unanswered_screening_is_not_enough_information():
    evaluation = run(rest=None)
    assert evaluation.outcome == INSUFFICIENT
    assert evaluation.explanation.startswith("Not enough information to assess: 0 of 36 questions")
    assert "No sign of trafficking" not in evaluation.explanation


def test_dont_know_is_not_an_answer():
    assert run(rest="unknown").outcome == INSUFFICIENT


def test_a_topic_never_asked_leaves_it_insufficient_however_many_answers():
    skipped = [i for i in ALL if not i.startswith("ad.")]  # 30 of 36 answered, one topic not asked
    evaluation = answered(*skipped)
    assert evaluation.outcome == INSUFFICIENT
    assert "Topics with no answer: abuse of vulnerability destination." in evaluation.explanation


def test_every_topic_and_half_of_the_questions_make_it_assessable():
    one_per_topic = [ids[0] for ids in SHAPE.values()]
    half = one_per_topic + [ids[1] for ids in SHAPE.values()] + [ids[2] for ids in SHAPE.values()]
    assert len(half) == 18  # half of 36
    assert answered(*one_per_topic).outcome == INSUFFICIENT  # every topic, but 6 of 36
    assert answered(*half[:-1]).outcome == INSUFFICIENT
    assert answered(*half).outcome == NOT_INDICATED


def test_signs_found_in_a_nearly_empty_screening_still_count():
    assert run("cd.s1", rest=None).outcome == POSSIBLE
    assert run("dr.s1", "dr.m1", *EXPLOITATION, *DESTINATION, rest=None).outcome == INDICATED
    # Weak signs below every threshold, on too few answers: not enough to say "not indicated".
    assert run("dr.m1", "dr.w1", "ec.m1", "cd.w1", rest=None).outcome == INSUFFICIENT
