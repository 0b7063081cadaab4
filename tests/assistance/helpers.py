"""Cases for the assistance tests, opened through the real services."""

from __future__ import annotations

from palermo.cases.models import Case
from palermo.cases.services import case_open
from palermo.organisations.models import Membership
from palermo.people.services import person_create
from tests.conftest import actor_of


def open_case(worker: Membership) -> Case:
    actor = actor_of(worker)
    person = person_create(actor=actor, given_names="Olena", family_name="Testova")
    return case_open(actor=actor, person=person)
