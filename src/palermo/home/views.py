"""The home dashboard, one per role: a page that composes the domain apps, so it sits above them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from palermo.audit.selectors import audit_entries_for
from palermo.identification.selectors import identification_queue_for
from palermo.organisations.models import Role
from palermo.organisations.selectors import member_list_for, organisation_directory
from palermo.people.selectors import person_queryset_for
from palermo.permissions import Actor, Capability, can
from palermo.web.decorators import page
from palermo.worklist.selectors import work_counts_for


@page()
def home(request: HttpRequest, actor: Actor) -> HttpResponse:
    context: dict[str, Any] = {"role": actor.role}
    if can(actor, Capability.PERSON_VIEW_OWN) or can(actor, Capability.PERSON_VIEW_ORGANISATION):
        context["people_count"] = person_queryset_for(actor).count()
    if can(actor, Capability.DIRECTORY_VIEW):
        context["organisation_count"] = organisation_directory(actor=actor).count()
    if can(actor, Capability.MEMBERS_MANAGE):
        context["member_count"] = member_list_for(actor=actor).filter(is_active=True).count()
    if can(actor, Capability.DECISION_RECORD):
        context["identification_queue"] = identification_queue_for(actor=actor)
    if can(actor, Capability.WORK_VIEW) and actor.role == Role.CASE_WORKER:
        context["work_groups"] = work_counts_for(actor)
    if can(actor, Capability.AUDIT_VIEW):
        context["recent_audit"] = list(audit_entries_for(actor=actor)[:5])
    context["is_first_responder"] = actor.role == Role.FIRST_RESPONDER
    return render(request, f"web/home_{actor.role}.html", context)
