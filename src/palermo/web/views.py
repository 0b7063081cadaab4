"""The home dashboard, one per role, and the error pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

from palermo.api import errors as api_errors
from palermo.audit.selectors import audit_entries_for
from palermo.identification.selectors import identification_queue_for
from palermo.organisations.models import Role
from palermo.organisations.selectors import member_list_for, organisation_directory
from palermo.people.selectors import person_queryset_for
from palermo.permissions import Actor, Capability, can
from palermo.web.decorators import page
from palermo.worklist.selectors import work_groups_for


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
        context["work_groups"] = {group.key: len(group.items) for group in work_groups_for(actor)}
    if can(actor, Capability.AUDIT_VIEW):
        context["recent_audit"] = list(audit_entries_for(actor=actor)[:5])
    context["is_first_responder"] = actor.role == Role.FIRST_RESPONDER
    return render(request, f"web/home_{actor.role}.html", context)


# Under /api/ every error is JSON in the API's shape, even when Django answers before any API view.


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.bad_request(request, exception)
    return defaults.bad_request(request, exception or Exception())


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api_errors.is_api(request):
        return JsonResponse(api_errors.error_body("permission_denied", "Your role may not do this."), status=403)
    return render(request, "web/403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.not_found(request, exception)
    if request.path.startswith("/report/"):
        # The public side never hands out a cookie, not even a CSRF one on an error page.
        return render(request, "reporting/not_found.html", {"language": "en", "languages": []}, status=404)
    return render(request, "web/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.server_error(request)
    return defaults.server_error(request)
