"""Reads of cases, scoped to what the actor may see; reads of one case are audited."""

from __future__ import annotations

from django.db.models import QuerySet

from palermo.audit.services import audited_get
from palermo.cases.models import Case
from palermo.permissions import Actor, personal_record_scope


def case_queryset_for(actor: Actor) -> QuerySet[Case]:
    """Cases the actor's own organisation holds and the actor may see (not audited: callers audit what they show).

    Another organisation sees a case only through a referral; that goes through the referral selectors.
    """
    scope = personal_record_scope(actor)
    if scope is None:
        return Case.objects.none()
    return Case.objects.filter(**scope)


def case_get_for(*, actor: Actor, case_id: int | str) -> Case:
    """One case of the actor's organisation; 404 alike for missing and for out of scope."""
    return audited_get(
        actor=actor, queryset=case_queryset_for(actor).select_related("person"), object_id=case_id, action="case.view"
    )
