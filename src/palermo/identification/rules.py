"""The screening decision rules: plain functions over a catalogue and a set of answers.

The rules support a decision, they never make one: the result says which indicators led
where, and what is still unknown, so that a person can decide and ask again.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from palermo.identification.catalogues import (
    DESTINATION_DIMENSIONS,
    EXPLOITATION_DIMENSION,
    RECRUITMENT_DIMENSIONS,
    Catalogue,
)

ANSWERS = ("yes", "no", "unknown")
ADULT_AGE = 18
MAX_AGE = 120

INDICATED, POSSIBLE, NOT_INDICATED = "indicated", "possible", "not_indicated"
INSUFFICIENT = "insufficient"

# When a screening that found no sign may say "not indicated" rather than "not enough information to
# assess". A question left unanswered was not asked (the topic page says so); "don't know" was asked
# but not answered. Neither tells anything, so only yes and no count as answered. Two conditions:
# - every topic has at least one question answered: the Danube municipal guidelines ask for "an overall
#   assessment" that looks at "the totality of the situation" (seeds/004, §3.1, "The indicators of
#   trafficking in human beings"), and the ILO rules read every dimension; a topic never asked is a
#   part of the situation nobody looked at;
# - at least half of the catalogue's questions are answered. The half is Palermo's own threshold, not
#   taken from a source: below it, "no sign found" says more about the questions skipped than the person.
# A screening with signs keeps its outcome ("possible", "indicated") however few questions were answered.
MIN_ANSWERED_SHARE = 0.5


def is_child(*, age: int | None = None, born: datetime.date | None = None, on: datetime.date | None = None) -> bool:
    """Under ADULT_AGE: by the date of birth on the day `on` when it is known, else by the (estimated) age.

    An unknown age is not a child's: the rules then ask for all three Palermo elements, and the page
    asks for the age. Screenings, consent and every other rule that depends on age ask this one function.
    """
    if born is not None:
        today = on or datetime.date.today()  # noqa: DTZ011 - callers pass the local date; tests may omit it
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day)) < ADULT_AGE
    return isinstance(age, int) and not isinstance(age, bool) and age < ADULT_AGE


# The three elements of the Palermo Protocol definition (Art. 3a), as recorded in a screening.
PALERMO_ELEMENTS: dict[str, tuple[str, ...]] = {
    "act": ("recruitment", "transport", "transfer", "harbouring", "receipt"),
    "means": (
        "threat_or_force",
        "coercion",
        "abduction",
        "fraud",
        "deception",
        "abuse_of_power_or_vulnerability",
        "payments_or_benefits",
    ),
    "purpose": (
        "sexual_exploitation",
        "forced_labour_or_services",
        "slavery_or_similar_practices",
        "servitude",
        "removal_of_organs",
        "forced_begging",
        "forced_criminality",
        "other",
    ),
}


class EvaluationInputError(Exception):
    """Input that cannot be evaluated; `fields` names each problem, for forms, API and CLI alike."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{name}: {' '.join(messages)}" for name, messages in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class ScreeningInput:
    age: int | None
    answers: dict[str, str]
    palermo: dict[str, list[str]]


@dataclass(frozen=True)
class DimensionResult:
    positive: bool
    strong: int
    medium: int
    weak: int
    indicators: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "positive": self.positive,
            "strong": self.strong,
            "medium": self.medium,
            "weak": self.weak,
            "indicators": self.indicators,
        }


@dataclass(frozen=True)
class PalermoResult:
    act: bool
    means: bool
    purpose: bool
    child: bool

    @property
    def met(self) -> bool:
        # For a child, act and purpose are enough: the means do not matter (Palermo Protocol Art. 3c).
        return self.act and self.purpose and (self.means or self.child)

    def as_dict(self) -> dict[str, bool]:
        return {"act": self.act, "means": self.means, "purpose": self.purpose, "child": self.child, "met": self.met}


@dataclass(frozen=True)
class Coverage:
    """How much of a catalogue a screening asked: what decides between "not indicated" and "insufficient"."""

    answered: int
    total: int
    topics_not_asked: list[str]

    @property
    def enough(self) -> bool:
        return not self.topics_not_asked and self.answered >= MIN_ANSWERED_SHARE * self.total


def coverage(catalogue: Catalogue, answers: Mapping[str, str]) -> Coverage:
    """The questions answered yes or no, and the topics (dimension ids) with none answered."""
    asked = {key for key, value in answers.items() if value in ("yes", "no") and key in catalogue.indicators}
    not_asked = [d.id for d in catalogue.dimensions if not any(i.id in asked for i in d.indicators)]
    return Coverage(answered=len(asked), total=len(catalogue.indicators), topics_not_asked=not_asked)


@dataclass(frozen=True)
class Evaluation:
    catalogue: str
    outcome: str
    dimensions: dict[str, DimensionResult]
    unknown: list[str]
    palermo: PalermoResult
    explanation: str = field(default="")
    coverage: Coverage | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "catalogue": self.catalogue,
            "outcome": self.outcome,
            "dimensions": {key: value.as_dict() for key, value in self.dimensions.items()},
            "unknown": self.unknown,
            "palermo": self.palermo.as_dict(),
            "explanation": self.explanation,
        }


def parse_input(catalogue: Catalogue, data: Mapping[str, Any]) -> ScreeningInput:
    """Check a request against the catalogue; raise EvaluationInputError naming every problem."""
    problems: dict[str, list[str]] = {}
    if not isinstance(data, Mapping):
        raise EvaluationInputError({"non_field_errors": ["Send an object with age, answers and palermo."]})
    unexpected = set(data) - {"catalogue", "age", "answers", "palermo"}
    if unexpected:
        problems["non_field_errors"] = [f"Unexpected keys: {', '.join(sorted(unexpected))}."]

    age = data.get("age")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int)):
        problems["age"] = ["Give the age as a whole number of years, or null when unknown."]
    elif age is not None and not 0 <= age <= MAX_AGE:
        problems["age"] = [f"An age must be between 0 and {MAX_AGE}; {age} is not possible."]

    answers = data.get("answers") or {}
    if not isinstance(answers, Mapping):
        problems["answers"] = ["Give the answers as an object of indicator id to yes, no or unknown."]
        answers = {}
    unknown_ids = sorted(str(key) for key in answers if key not in catalogue.indicators)
    if unknown_ids:
        problems.setdefault("answers", []).append(
            f"Not indicators of {catalogue.id}: {', '.join(unknown_ids)}. See `palermo screen catalogues` for the ids."
        )
    bad_values = sorted(str(key) for key, value in answers.items() if value not in ANSWERS)
    if bad_values:
        problems.setdefault("answers", []).append(f"Answer yes, no or unknown; not so for: {', '.join(bad_values)}.")

    palermo = data.get("palermo") or {}
    if not isinstance(palermo, Mapping):
        problems["palermo"] = ["Give the Palermo elements as an object with act, means and purpose lists."]
        palermo = {}
    for element, values in palermo.items():
        allowed = PALERMO_ELEMENTS.get(element)
        if allowed is None:
            problems.setdefault("palermo", []).append(f"Unknown element {element!r}: use act, means or purpose.")
        elif not isinstance(values, list) or any(v not in allowed for v in values):
            problems.setdefault("palermo", []).append(f"{element} takes a list of: {', '.join(allowed)}.")

    if problems:
        raise EvaluationInputError(problems)
    return ScreeningInput(
        age=age,
        answers={str(k): str(v) for k, v in answers.items()},
        palermo={k: list(v) for k, v in palermo.items()},
    )


def dimension_is_positive(strong: int, medium: int, weak: int) -> bool:
    """The ILO rule for one dimension, from the counts of indicators answered yes."""
    return strong >= 2 or (strong >= 1 and medium + weak >= 1) or medium >= 3 or (medium >= 2 and weak >= 1)


def evaluate(catalogue: Catalogue, screening: ScreeningInput) -> Evaluation:
    present = {key for key, value in screening.answers.items() if value == "yes"}
    dimensions: dict[str, DimensionResult] = {}
    for dimension in catalogue.dimensions:
        yes = [i for i in dimension.indicators if i.id in present]
        counts = {s: sum(1 for i in yes if i.strength == s) for s in ("strong", "medium", "weak")}
        positive = dimension_is_positive(**counts) if catalogue.has_strengths else bool(yes)
        dimensions[dimension.id] = DimensionResult(positive=positive, indicators=[i.id for i in yes], **counts)

    child = is_child(age=screening.age)
    if catalogue.has_strengths:
        outcome = _outcome_with_strengths(dimensions, child=child)
    else:
        outcome = POSSIBLE if present else NOT_INDICATED
    asked = coverage(catalogue, screening.answers)
    if outcome == NOT_INDICATED and not asked.enough:
        outcome = INSUFFICIENT
    palermo = PalermoResult(
        act=bool(screening.palermo.get("act")),
        means=bool(screening.palermo.get("means")),
        purpose=bool(screening.palermo.get("purpose")),
        child=child,
    )
    unknown = [i for i in catalogue.indicators if screening.answers.get(i) == "unknown"]
    evaluation = Evaluation(
        catalogue=catalogue.id,
        outcome=outcome,
        dimensions=dimensions,
        unknown=unknown,
        palermo=palermo,
        coverage=asked,
    )
    return Evaluation(**{**evaluation.__dict__, "explanation": explain(catalogue, evaluation)})


def _outcome_with_strengths(dimensions: dict[str, DimensionResult], *, child: bool) -> str:
    recruitment = any(dimensions[d].positive for d in RECRUITMENT_DIMENSIONS)
    exploitation = dimensions[EXPLOITATION_DIMENSION].positive
    destination = any(dimensions[d].positive for d in DESTINATION_DIMENSIONS)
    if child:
        any_recruitment_sign = any(dimensions[d].indicators for d in RECRUITMENT_DIMENSIONS)
        if exploitation and any_recruitment_sign:
            return INDICATED
    elif recruitment and exploitation and destination:
        return INDICATED
    if any(d.positive for d in dimensions.values()) or any(d.strong for d in dimensions.values()):
        return POSSIBLE
    return NOT_INDICATED


def _listing(names: Sequence[str]) -> str:
    return ", ".join(names)


def explain(catalogue: Catalogue, evaluation: Evaluation) -> str:
    """Plain-language reasons for the outcome, in the active language."""
    positive = [str(catalogue.dimension(k).title) for k, v in evaluation.dimensions.items() if v.positive]
    signs = sum(len(v.indicators) for v in evaluation.dimensions.values())
    parts: list[str] = []
    if evaluation.outcome == INDICATED and evaluation.palermo.child:
        parts.append(
            _(
                "Trafficking is indicated: the child's conditions are exploitative and there are signs of "
                "how they were recruited. For a child, the means do not need to be shown."
            )
        )
    elif evaluation.outcome == INDICATED:
        parts.append(
            _(
                "Trafficking is indicated: there are enough signs of recruitment, of exploitative conditions "
                "and of coercion or abuse of vulnerability at destination."
            )
        )
    elif evaluation.outcome == POSSIBLE and catalogue.has_strengths:
        parts.append(
            _("Trafficking is possible: some signs are there, but not enough in every part of the definition.")
        )
    elif evaluation.outcome == POSSIBLE:
        parts.append(
            ngettext(
                "Trafficking is possible: %(count)s sign from this checklist is present. "
                "This checklist cannot indicate trafficking on its own.",
                "Trafficking is possible: %(count)s signs from this checklist are present. "
                "This checklist cannot indicate trafficking on its own.",
                signs,
            )
            % {"count": signs}
        )
    elif evaluation.outcome == INSUFFICIENT:
        asked = evaluation.coverage or coverage(catalogue, {})
        parts.append(
            ngettext(
                "Not enough information to assess: %(answered)s of %(total)s question was answered yes or no.",
                "Not enough information to assess: %(answered)s of %(total)s questions were answered yes or no.",
                asked.total,
            )
            % {"answered": asked.answered, "total": asked.total}
        )
        if asked.topics_not_asked:
            titles = [str(catalogue.dimension(d).title) for d in asked.topics_not_asked]
            parts.append(_("Topics with no answer: %(names)s.") % {"names": _listing(titles)})
        parts.append(
            _(
                "Finding no sign says nothing until every topic is asked and at least half of the questions "
                "are answered; ask again when you can."
            )
        )
    else:
        parts.append(_("No sign of trafficking was found in the answers given."))
    if catalogue.has_strengths:
        if positive:
            parts.append(_("Positive dimensions: %(names)s.") % {"names": _listing(positive)})
        else:
            parts.append(_("No dimension has enough signs to count as positive."))
    if evaluation.unknown:
        parts.append(
            ngettext(
                "%(count)s answer is unknown and counted as absent; ask about it again when you can.",
                "%(count)s answers are unknown and counted as absent; ask about them again when you can.",
                len(evaluation.unknown),
            )
            % {"count": len(evaluation.unknown)}
        )
    if evaluation.palermo.met:
        parts.append(_("The elements of the legal definition (act, means, purpose) are all recorded."))
    elif evaluation.palermo.child and evaluation.palermo.act and evaluation.palermo.purpose:
        parts.append(_("For a child, act and purpose are recorded, which is enough."))
    parts.append(_("This result supports a decision; it does not make one. A decision maker decides."))
    return " ".join(parts)
