"""Cases for the assistance tests, opened through the real services."""

from __future__ import annotations

import datetime

from palermo.cases.models import Case
from palermo.cases.services import case_open
from palermo.identification.models import IdentificationDecision, Screening
from palermo.identification.selectors import screening_catalogue
from palermo.identification.services import (
    decision_record,
    screening_answer,
    screening_attach_person,
    screening_complete,
    screening_refer,
    screening_start,
)
from palermo.organisations.models import Membership
from palermo.people.services import person_create
from tests.conftest import actor_of


def open_case(worker: Membership) -> Case:
    actor = actor_of(worker)
    person = person_create(actor=actor, given_names="Olena", family_name="Testova")
    return case_open(actor=actor, person=person)


def referred_screening(worker: Membership, case: Case | None = None) -> Screening:
    """A completed, referred screening, attached to the case's person when a case is given."""
    actor = actor_of(worker)
    screening = screening_start(actor=actor, catalogue_id="municipal-general", reference="Bus station")
    first = screening_catalogue(screening).dimensions[0]
    screening_answer(
        actor=actor, screening=screening, dimension_id=first.id, answers={first.indicators[0].id: "yes"}, notes={}
    )
    screening_complete(actor=actor, screening=screening, palermo={})
    screening_refer(actor=actor, screening=screening)
    if case is not None:
        screening_attach_person(actor=actor, screening=screening, person=case.person)
    return Screening.objects.get(pk=screening.pk)


def decide(decider: Membership, screening: Screening, result: str, decided_on: datetime.date) -> IdentificationDecision:
    return decision_record(
        actor=actor_of(decider),
        screening=screening,
        stage="reasonable_grounds",
        result=result,
        decided_on=decided_on,
        reasoning="Interview on arrival.",
    )
