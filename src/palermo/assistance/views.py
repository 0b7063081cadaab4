"""The assistance page of a case (the panel that the case page also includes) and its forms.

Every form posts to its own URL, calls one service and comes back to the page it was sent from
(the assistance page or the case page); after an error the page is shown again with the form as typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.assistance import forms, selectors, services
from palermo.assistance.panel import panel_context
from palermo.cases.models import Case
from palermo.cases.selectors import case_get_for
from palermo.common import catalogue
from palermo.permissions import ActingUser, Capability
from palermo.web.decorators import page


@page()
def case_assistance(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = case_get_for(acting=acting, case_id=case_id)
    return _render(request, acting, case)


def _render(request: HttpRequest, acting: ActingUser, case: Case, bound: dict[str, Any] | None = None) -> HttpResponse:
    context = panel_context(acting=acting, case=case, bound=bound)
    status = 400 if bound else 200
    return render(request, "assistance/case_assistance.html", context, status=status)


def _back(request: HttpRequest, case: Case, anchor: str) -> HttpResponse:
    """Back to the page the form was on: the case page or the assistance page, never elsewhere."""
    target = request.POST.get("return_to", "")
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    if not (allowed and target.startswith(f"/cases/{case.pk}/")):
        target = f"/cases/{case.pk}/assistance/"
    return redirect(f"{target.split('#')[0]}#{anchor}")


def _apply_errors(form: django_forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _submit(
    request: HttpRequest,
    acting: ActingUser,
    case: Case,
    *,
    key: str,
    form: django_forms.Form,
    call: Callable[[dict[str, Any]], Any],
    done: str,
    anchor: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, done)
            return _back(request, case, anchor)
    return _render(request, acting, case, bound={key: form})


@require_POST
@page(Capability.CASE_MANAGE)
def stage_update(request: HttpRequest, acting: ActingUser, case_id: int, stage: str) -> HttpResponse:
    case = case_get_for(acting=acting, case_id=case_id)
    view = next((s for s in selectors.pathway_for(case) if s.code == stage), None)
    if view is None:
        raise Http404
    form = forms.StageForm(request.POST, stage=view, members=forms.case_members(case), prefix=f"stage-{stage}")

    def call(data: dict[str, Any]) -> None:
        services.pathway_stage_update(
            acting=acting,
            case=case,
            stage=stage,
            status=data["status"],
            started_on=data["started_on"],
            planned_end=data["planned_end"],
            completed_on=data["completed_on"],
            activities=form.activity_list(),
            responsible_organisation=data["responsible_organisation"],
            responsible_name=data["responsible_name"],
            responsible_user_id=data["responsible_user"],
        )

    label = catalogue.stage_label(stage)
    return _submit(
        request,
        acting,
        case,
        key=f"stage:{stage}",
        form=form,
        call=call,
        done=_("Stage saved: %(stage)s.") % {"stage": label},
        anchor=f"stage-{stage}",
    )


@require_POST
@page(Capability.CASE_MANAGE)
def plan_item_add(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = case_get_for(acting=acting, case_id=case_id)
    form = forms.PlanItemForm(request.POST, prefix="plan")
    return _submit(
        request,
        acting,
        case,
        key="plan",
        form=form,
        call=lambda data: services.plan_item_add(acting=acting, case=case, **data),
        done=_("Added to the assistance plan."),
        anchor="assistance-plan",
    )


@require_POST
@page(Capability.CASE_MANAGE)
def plan_item_status(request: HttpRequest, acting: ActingUser, case_id: int, item_id: int) -> HttpResponse:
    case = case_get_for(acting=acting, case_id=case_id)
    item = selectors.plan_item_get_for(acting=acting, case=case, item_id=item_id)
    form = forms.PlanItemStatusForm(request.POST, prefix=f"item-{item.pk}")
    if form.is_valid():
        services.plan_item_update(acting=acting, item=item, status=form.cleaned_data["status"])
        messages.success(request, _("The assistance plan is updated."))
    else:
        messages.error(request, _("Choose a status from the list."))
    return _back(request, case, "assistance-plan")


@require_POST
@page(Capability.CASE_MANAGE)
def risk_assess(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = case_get_for(acting=acting, case_id=case_id)
    form = forms.RiskAssessmentForm(request.POST, prefix="risk")
    return _submit(
        request,
        acting,
        case,
        key="risk",
        form=form,
        call=lambda data: services.risk_assessment_record(
            acting=acting,
            case=case,
            level=data["level"],
            review_on=data["review_on"],
            assessed_on=data["assessed_on"],
            factors=form.factors(),
        ),
        done=_("The risk assessment is recorded."),
        anchor="risk",
    )


@require_POST
@page(Capability.CASE_MANAGE)
def risk_review_request(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = case_get_for(acting=acting, case_id=case_id)
    form = forms.RiskReviewForm(request.POST, prefix="review")
    return _submit(
        request,
        acting,
        case,
        key="review",
        form=form,
        call=lambda data: services.risk_review_request(acting=acting, case=case, **data),
        done=_("A review of the risk assessment is due by the date you gave."),
        anchor="risk",
    )


@require_POST
@page(Capability.CASE_MANAGE)
def recovery_start(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = case_get_for(acting=acting, case_id=case_id)
    form = forms.RecoveryStartForm(request.POST, prefix="recovery")
    return _submit(
        request,
        acting,
        case,
        key="recovery",
        form=form,
        call=lambda data: services.recovery_period_start(acting=acting, case=case, **data),
        done=_("The recovery and reflection period is recorded."),
        anchor="recovery",
    )


@require_POST
@page(Capability.CASE_MANAGE)
def return_consent(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = case_get_for(acting=acting, case_id=case_id)
    form = forms.ReturnConsentForm(request.POST, prefix="consent")
    return _submit(
        request,
        acting,
        case,
        key="return_consent",
        form=form,
        call=lambda data: services.return_consent_record(acting=acting, case=case, **data),
        done=_("The consent to return is recorded."),
        anchor="return",
    )


@require_POST
@page(Capability.CASE_MANAGE)
def return_confirmation(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = case_get_for(acting=acting, case_id=case_id)
    form = forms.ReturnConfirmationForm(request.POST, prefix="confirmation")
    return _submit(
        request,
        acting,
        case,
        key="return_confirmation",
        form=form,
        call=lambda data: services.return_confirmation_record(acting=acting, case=case, **data),
        done=_("The receiving provider's confirmation is recorded."),
        anchor="return",
    )
