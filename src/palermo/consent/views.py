"""Pages to record a consent, its withdrawal and a legal basis: thin, the services and selectors decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from palermo.cases.selectors import case_get_for
from palermo.consent import forms, selectors, services
from palermo.organisations.models import Organisation
from palermo.permissions import ActingUser, Capability
from palermo.web.decorators import page
from palermo.web.form_errors import errors_into

# Service argument names that the forms call differently (a form field cannot be called `fields`).
FORM_FIELD_OF = {"fields": "shared_fields", "recipient": "organisation"}


def _organisation(pk: int | None) -> Organisation | None:
    return get_object_or_404(Organisation, pk=pk) if pk else None


@sensitive_post_parameters()
@page(Capability.CASE_MANAGE)
def consent_create(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = case_get_for(acting=acting, case_id=case_id)
    form = forms.ConsentForm(request.POST or None, recipients=selectors.recipient_choices(acting))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["fields"] = data.pop("shared_fields")
        try:
            services.consent_record(acting=acting, case=case, recipient=_organisation(data.pop("organisation")), **data)
        except ValidationError as error:
            errors_into(form, error, FORM_FIELD_OF)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "heading": _("Record consent")},
        status=400 if form.errors else 200,
    )


@page(Capability.CASE_MANAGE)
def consent_withdraw(request: HttpRequest, acting: ActingUser, case_id: int, consent_id: int) -> HttpResponse:
    """Ask first, naming who loses access to what; only a confirmed POST records the withdrawal."""
    consent = selectors.consent_get_for(acting=acting, consent_id=consent_id)
    if consent.case_id != int(case_id):
        raise PermissionDenied("consent.other_case")
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        context = {"case": consent.case, "consent": consent, "ending": selectors.consent_access_ending(consent)}
        return render(request, "consent/consent_withdraw.html", context)
    try:
        services.consent_withdraw(acting=acting, consent=consent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The withdrawal is recorded. Nothing more is shared on this consent."))
    return redirect("cases:detail", case_id=consent.case_id)


@sensitive_post_parameters()
@page(Capability.DECISION_RECORD)
def legal_basis_create(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = case_get_for(acting=acting, case_id=case_id)
    form = forms.LegalBasisForm(request.POST or None, recipients=selectors.recipient_choices(acting))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["fields"] = data.pop("shared_fields")
        try:
            services.legal_basis_record(
                acting=acting, case=case, recipient=_organisation(data.pop("organisation")), **data
            )
        except ValidationError as error:
            errors_into(form, error, FORM_FIELD_OF)
        else:
            messages.success(request, _("The legal basis is recorded."))
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "heading": _("Record a legal basis")},
        status=400 if form.errors else 200,
    )
