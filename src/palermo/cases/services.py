"""Writes to cases: permission first, then the change and its audit entry."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from palermo.audit.services import audit_record
from palermo.cases.models import Case
from palermo.people.models import Person
from palermo.permissions import Actor, Capability, require


def _next_reference(organisation_id: int) -> str:
    year = timezone.localdate().year
    prefix = f"C-{year}-"
    # Inside the caller's transaction; the unique constraint turns a rare race into an error, not a duplicate.
    last = (
        Case.objects.filter(organisation_id=organisation_id, reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:05d}"


@transaction.atomic
def case_open(*, actor: Actor, person: Person) -> Case:
    """Open a case for a person; `person` must come from a selector scoped to the actor."""
    require(actor, Capability.CASE_OPEN)
    assert actor.membership is not None
    assert actor.user is not None
    case = Case.objects.create(
        organisation=actor.membership.organisation,
        person=person,
        created_by=actor.user,
        reference=_next_reference(actor.membership.organisation_id),
    )
    audit_record(actor=actor, action="case.open", target=case)
    return case
