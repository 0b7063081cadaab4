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
    screening_start,
    screening_submit_for_decision,
)
from palermo.organisations.models import Membership
from palermo.people.services import person_create
from tests.conftest import acting_of


def open_case(worker: Membership) -> Case:
    acting = acting_of(worker)
    person = person_create(acting=acting, given_names="Olena", family_name="Testova")
    return case_open(acting=acting, person=person)


def submitted_screening(worker: Membership, case: Case | None = None) -> Screening:
    """A completed, referred screening, attached to the case's person when a case is given."""
    acting = acting_of(worker)
    screening = screening_start(acting=acting, catalogue_id="municipal-general", reference="Bus station")
    first = screening_catalogue(screening).dimensions[0]
    screening_answer(
        acting=acting, screening=screening, dimension_id=first.id, answers={first.indicators[0].id: "yes"}, notes={}
    )
    screening_complete(acting=acting, screening=screening, palermo={})
    screening_submit_for_decision(acting=acting, screening=screening)
    if case is not None:
        screening_attach_person(acting=acting, screening=screening, person=case.person)
    return Screening.objects.get(pk=screening.pk)


def decide(decider: Membership, screening: Screening, result: str, decided_on: datetime.date) -> IdentificationDecision:
    return decision_record(
        acting=acting_of(decider),
        screening=screening,
        stage="reasonable_grounds",
        result=result,
        decided_on=decided_on,
        reasoning="Interview on arrival.",
    )
