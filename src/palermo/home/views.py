"""The home dashboard, one per role: a page that composes the domain apps, so it sits above them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from palermo.audit.selectors import audit_entries_for
from palermo.directory.selectors import directory_entry_list
from palermo.identification.selectors import identification_queue_for
from palermo.organisations.models import Role
from palermo.organisations.selectors import member_list_for
from palermo.people.selectors import person_queryset_for
from palermo.permissions import ActingUser, Capability, can
from palermo.referrals.models import ReferralStatus
from palermo.referrals.selectors import referral_inbox_counts
from palermo.reporting.selectors import tip_routes_reaching_nobody
from palermo.web.decorators import page
from palermo.worklist.selectors import work_counts_for


@page()
def home(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    context: dict[str, Any] = {"role": acting.role}
    if can(acting, Capability.PERSON_VIEW_OWN) or can(acting, Capability.PERSON_VIEW_ORGANISATION):
        context["people_count"] = person_queryset_for(acting).count()
    if can(acting, Capability.DIRECTORY_VIEW):
        # What the directory page lists (its actors), not the organisations that use Palermo.
        context["organisation_count"] = directory_entry_list(acting=acting).count()
    if can(acting, Capability.CASE_MANAGE):
        received = referral_inbox_counts(acting=acting)
        context["referrals_waiting"] = received.get(ReferralStatus.PENDING, 0)
        context["referrals_accepted"] = received.get(ReferralStatus.ACCEPTED, 0)
    if can(acting, Capability.MEMBERS_MANAGE):
        context["member_count"] = member_list_for(acting=acting).filter(is_active=True).count()
        assert acting.membership is not None
        # Tips routed here with nobody left to triage them: only the admin can give someone the role.
        context["tips_unread"] = bool(tip_routes_reaching_nobody(organisation_id=acting.membership.organisation_id))
    if can(acting, Capability.DECISION_RECORD):
        context["identification_queue"] = identification_queue_for(acting=acting)
    if can(acting, Capability.WORK_VIEW) and acting.role == Role.CASE_WORKER:
        context["work_groups"] = work_counts_for(acting)
    if can(acting, Capability.AUDIT_VIEW):
        context["recent_audit"] = list(audit_entries_for(acting=acting)[:5])
    context["is_first_responder"] = acting.role == Role.FIRST_RESPONDER
    return render(request, f"web/home_{acting.role}.html", context)
