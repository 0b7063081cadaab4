"""Two organisations, their case workers, and a case at A about a person with distinctive details.

The person's family name and date of birth are values that must never reach organisation B unless a
consent names them; the place of exploitation is the value a consent to `exploitation` does share.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from palermo.cases.models import Case
from palermo.cases.services import case_open, case_update_exploitation
from palermo.organisations.models import Membership, Organisation, Role
from palermo.people.services import person_create
from tests.conftest import acting_of

FAMILY_NAME = "Quintbury"
BIRTH = datetime.date(1994, 3, 17)
SHARED_PLACE = "Brindlemoor"


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    worker_a: Membership
    worker_b: Membership
    case: Case


@pytest.fixture
def world(org_a: Organisation, org_b: Organisation, member) -> World:  # type: ignore[no-untyped-def]
    worker_a = member(Role.CASE_WORKER, org_a)
    worker_b = member(Role.CASE_WORKER, org_b)
    acting = acting_of(worker_a)
    person = person_create(acting=acting, given_names="Zoravelle", family_name=FAMILY_NAME, date_of_birth=BIRTH)
    case = case_open(acting=acting, person=person)
    case_update_exploitation(
        acting=acting,
        case=case,
        exploitation_types=["ForcedLabour"],
        methods_of_control=["WithholdsDocuments", "DebtBondage"],
        exploitation_country="AT",
        exploitation_locality=SHARED_PLACE,
    )
    return World(org_a, org_b, worker_a, worker_b, case)


def give_referral_consent(world: World, fields: list[str], services: list[str], **kwargs: object):  # type: ignore[no-untyped-def]
    from palermo.consent.services import consent_record

    values = {
        "purpose": "referral",
        "status": "given",
        "informed_language": "ro",
        "informed_how": "written",
        "interpreter": True,
        "recipient": world.org_b,
        "fields": fields,
        "services": services,
        **kwargs,
    }
    return consent_record(acting=acting_of(world.worker_a), case=world.case, **values)  # type: ignore[arg-type]
