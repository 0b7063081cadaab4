"""Loading catalogues, and evaluating a screening (which stores nothing)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.audit.services import audit_record
from palermo.identification.catalogues import CatalogueError, read_catalogue_files
from palermo.identification.models import (
    RESULTS_BY_STAGE,
    CatalogueVersion,
    DecisionResult,
    DecisionStage,
    IdentificationDecision,
    Screening,
)
from palermo.identification.rules import Evaluation, EvaluationInputError, evaluate, parse_input
from palermo.identification.selectors import catalogue_get, current_decision, screening_catalogue
from palermo.people.models import Person
from palermo.permissions import ActingUser, Capability, require


@dataclass(frozen=True)
class LoadReport:
    added: list[str]
    unchanged: list[str]


def catalogues_load(*, using: str = "default") -> LoadReport:
    """Store every shipped catalogue version not yet in the database.

    A file whose content changed without a new version number is refused: old screenings
    must keep meaning what they meant.
    """
    added, unchanged = [], []
    with transaction.atomic(using=using):
        for catalogue, content in read_catalogue_files():
            label = f"{catalogue.id} v{catalogue.version}"
            stored = (
                CatalogueVersion.objects.using(using)
                .filter(catalogue_id=catalogue.id, version=catalogue.version)
                .first()
            )
            if stored is None:
                CatalogueVersion.objects.using(using).create(
                    catalogue_id=catalogue.id, version=catalogue.version, digest=catalogue.digest, content=content
                )
                added.append(label)
            elif stored.digest != catalogue.digest:
                raise CatalogueError(f"{label} changed since it was loaded: raise its version number")
            else:
                unchanged.append(label)
    return LoadReport(added=added, unchanged=unchanged)


def screening_evaluate(*, data: Mapping[str, Any], catalogue_id: str | None = None) -> Evaluation:
    """Evaluate answers against a catalogue. Pages, API and CLI all come here, so they agree."""
    named = data.get("catalogue") if isinstance(data, Mapping) else None
    if catalogue_id and named and named != catalogue_id:
        raise EvaluationInputError({"catalogue": [f"The input names {named!r} but {catalogue_id!r} was asked for."]})
    wanted = catalogue_id or named
    if not wanted:
        raise EvaluationInputError({"catalogue": ["Name the catalogue to evaluate against."]})
    catalogue = catalogue_get(catalogue_id=str(wanted))
    if catalogue is None:
        raise EvaluationInputError(
            {"catalogue": [f"No catalogue {wanted!r}. See `palermo screen catalogues` for the ids."]}
        )
    return evaluate(catalogue, parse_input(catalogue, data))


# --- Screenings -------------------------------------------------------------------------------------


def _require_open(screening: Screening) -> None:
    if screening.is_complete:
        raise ValidationError(_("This screening is complete; start a new one to change the answers."))


@transaction.atomic
def screening_start(*, acting: ActingUser, catalogue_id: str, reference: str = "", age: int | None = None) -> Screening:
    require(acting, Capability.SCREENING_CONDUCT)
    assert acting.membership is not None
    assert acting.user is not None
    stored = CatalogueVersion.objects.filter(catalogue_id=catalogue_id).order_by("-version").first()
    if stored is None:
        raise ValidationError({"catalogue": _("No such catalogue.")})
    catalogue = catalogue_get(catalogue_id=catalogue_id)
    assert catalogue is not None
    parse_input(catalogue, {"age": age})  # the same age check as evaluation
    screening = Screening.objects.create(  # type: ignore[misc]  # encrypted JSON, typed as text
        organisation=acting.membership.organisation,
        created_by=acting.user,
        catalogue=stored,
        reference=reference.strip(),
        responses={"age": age, "answers": {}, "notes": {}, "palermo": {}},
    )
    audit_record(acting=acting, action="screening.start", target=screening, detail={"catalogue": catalogue_id})
    return screening


@transaction.atomic
def screening_answer(
    *,
    acting: ActingUser,
    screening: Screening,
    dimension_id: str,
    answers: dict[str, str],
    notes: dict[str, str],
    advance: bool = True,
) -> Screening:
    """Save the answers of one topic (screen); unanswered indicators are simply not asked yet.

    With advance=False (pause, back) the screening resumes on this topic, not the next.
    """
    require(acting, Capability.SCREENING_CONDUCT)
    _require_open(screening)
    catalogue = screening_catalogue(screening)
    allowed = {i.id for i in catalogue.dimension(dimension_id).indicators}
    parse_input(catalogue, {"answers": answers})
    if not set(answers) | set(notes) <= allowed:
        raise ValidationError(_("Answers must belong to the topic on screen."))
    responses = dict(screening.responses)
    kept = {k: v for k, v in responses.get("answers", {}).items() if k not in allowed}
    responses["answers"] = {**kept, **answers}
    kept_notes = {k: v for k, v in responses.get("notes", {}).items() if k not in allowed}
    responses["notes"] = {**kept_notes, **{k: v.strip() for k, v in notes.items() if v.strip()}}
    index = [d.id for d in catalogue.dimensions].index(dimension_id) + 1
    screening.responses = responses
    screening.step = max(screening.step, index + 1 if advance else index)
    screening.save(update_fields=["responses", "step", "updated_at"])
    audit_record(acting=acting, action="screening.answer", target=screening, detail={"dimension": dimension_id})
    return screening


@transaction.atomic
def screening_complete(*, acting: ActingUser, screening: Screening, palermo: dict[str, list[str]]) -> Screening:
    """Record the Palermo elements, evaluate, and keep the explained result with the screening."""
    require(acting, Capability.SCREENING_CONDUCT)
    _require_open(screening)
    catalogue = screening_catalogue(screening)
    responses = {**screening.responses, "palermo": palermo}
    evaluation = evaluate(
        catalogue,
        parse_input(
            catalogue,
            {"age": responses.get("age"), "answers": responses.get("answers", {}), "palermo": palermo},
        ),
    )
    screening.responses = responses
    screening.result = evaluation.as_dict()
    screening.outcome = evaluation.outcome
    screening.completed_at = timezone.now()
    screening.save(update_fields=["responses", "result", "outcome", "completed_at", "updated_at"])
    audit_record(acting=acting, action="screening.complete", target=screening, detail={"outcome": evaluation.outcome})
    return screening


@transaction.atomic
def screening_submit_for_decision(*, acting: ActingUser, screening: Screening) -> Screening:
    """Hand a completed screening over for an identification decision (the referral itself comes with
    the chain of assistance; this records when the hand-over started, which the decision deadline counts from)."""
    require(acting, Capability.SCREENING_CONDUCT)
    if not screening.is_complete:
        raise ValidationError(_("Finish the screening before referring."))
    if screening.submitted_for_decision_at is None:
        screening.submitted_for_decision_at = timezone.now()
        screening.save(update_fields=["submitted_for_decision_at", "updated_at"])
        audit_record(acting=acting, action="screening.refer", target=screening)
    return screening


@transaction.atomic
def screening_attach_person(*, acting: ActingUser, screening: Screening, person: Person) -> Screening:
    """Link a screening to a person; both must come from selectors scoped to the acting user."""
    require(acting, Capability.SCREENING_CONDUCT)
    if person.organisation_id != screening.organisation_id:
        raise ValidationError(_("The person and the screening belong to different organisations."))
    screening.person = person
    screening.save(update_fields=["person", "updated_at"])
    audit_record(acting=acting, action="screening.attach", target=screening, detail={"person": person.pk})
    return screening


# --- Identification decisions --------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    acting: ActingUser,
    screening: Screening,
    stage: str,
    result: str,
    decided_on: datetime.date,
    reasoning: str,
    information: str = "",
) -> IdentificationDecision:
    """Record a reasonable-grounds or conclusive decision; a second one of a stage reconsiders the first.

    `screening` must come from a selector scoped to the acting user.
    """
    require(acting, Capability.DECISION_RECORD)
    assert acting.user is not None
    screening = Screening.objects.select_for_update().get(pk=screening.pk)
    problems: dict[str, list[str]] = {}
    if screening.submitted_for_decision_at is None:
        problems["screening"] = [_("Only a referred screening can be decided on.")]
    if result not in RESULTS_BY_STAGE.get(stage, ()):  # type: ignore[call-overload]
        problems["result"] = [_("That decision does not belong to this stage.")]
    if decided_on > timezone.localdate():
        problems["decided_on"] = [_("A decision cannot be dated in the future.")]
    elif screening.submitted_for_decision_at and decided_on < timezone.localdate(screening.submitted_for_decision_at):
        problems["decided_on"] = [_("A decision cannot be dated before the referral.")]
    if not reasoning.strip():
        problems["reasoning"] = [_("Write down the reasons: the person and any review rely on them.")]
    current = current_decision(screening=screening, stage=stage)
    if stage == DecisionStage.CONCLUSIVE:
        grounds = current_decision(screening=screening, stage=DecisionStage.REASONABLE_GROUNDS)
        if grounds is None or grounds.result != DecisionResult.POSITIVE:
            problems["stage"] = [_("A conclusive decision follows a positive reasonable-grounds decision.")]
    if problems:
        raise ValidationError(problems)
    decision = IdentificationDecision.objects.create(
        organisation=screening.organisation,
        screening=screening,
        stage=stage,
        result=result,
        decided_on=decided_on,
        reasoning=reasoning.strip(),
        information=information.strip(),
        decided_by=acting.user,
        supersedes=current,
    )
    audit_record(
        acting=acting,
        action="decision.record",
        target=decision,
        detail={"screening": screening.pk, "stage": stage, "result": result, "reconsidered": current is not None},
    )
    return decision
