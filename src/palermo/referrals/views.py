"""Pages for referrals: refer a case, the inbox, one referral, its answer and its summary (page and PDF).

Thin: the services and selectors decide; what a recipient sees is palermo.referrals.sharing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from palermo.audit.services import audit_record
from palermo.cases.models import CaseStatus
from palermo.cases.selectors import case_get_for
from palermo.consent.selectors import recipient_choices
from palermo.organisations.models import Organisation
from palermo.permissions import ActingUser, Capability, can
from palermo.referrals import forms, selectors, services
from palermo.referrals.models import ReferralStatus
from palermo.referrals.sharing import referral_view_for
from palermo.web.decorators import page
from palermo.web.form_errors import errors_into

# Service argument names that the forms call differently (a form field cannot be called `fields`).
FORM_FIELD_OF = {"fields": "shared_fields", "recipient": "organisation"}


@sensitive_post_parameters()
@page(Capability.CASE_MANAGE)
def referral_create(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = case_get_for(acting=acting, case_id=case_id)
    form = forms.ReferralForm(request.POST or None, recipients=recipient_choices(acting))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_send(
                acting=acting,
                case=case,
                to_organisation=get_object_or_404(Organisation, pk=data["to_organisation"]),
                services=data["services"],
                note=data["note"],
            )
        except ValidationError as error:
            errors_into(form, error, FORM_FIELD_OF)
        else:
            messages.success(request, _("The referral is sent."))
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "heading": _("Refer the case")},
        status=400 if form.errors else 200,
    )


@page()
def referral_inbox(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    if not (can(acting, Capability.CASE_MANAGE) or can(acting, Capability.REFERRAL_REVOKE)):
        raise PermissionDenied("referral.list")
    received, received_at = _referral_page(selectors.referral_inbox_for(acting=acting), request.GET.get("received"))
    sent, sent_at = _referral_page(selectors.referral_outbox_for(acting=acting), request.GET.get("sent"))
    shown = [r.pk for r in received + sent]
    if shown:
        audit_record(acting=acting, action="referral.list", detail={"ids": shown})
    return render(
        request,
        "referrals/referral_inbox.html",
        {
            # "from …" and "to …" formatted here: a {% blocktranslate %} a line was a tenth of the page's time.
            "received": [(r, _("from %(org)s") % {"org": r.organisation_name}) for r in received],
            "sent": [(r, _("to %(org)s") % {"org": r.to_organisation_name}) for r in sent],
            # One reverse() for all lines: a {% url %} per line was a tenth of the page's time.
            "referral_url_prefix": reverse("referrals:list"),
            "received_pages": _referral_page_links("received", received_at, "sent", sent_at),
            "sent_pages": _referral_page_links("sent", sent_at, "received", received_at),
        },
    )


REFERRALS_PER_PAGE = 25


def _referral_page(queryset: Any, number: str | None) -> tuple[list[selectors.ReferralRow], tuple[int, bool]]:
    """One page of a referral list, newest first, and (page number, whether an older page exists).

    25 at a time: an organisation with thousands of referrals had 400 rows rendered on every visit,
    most of the page's time. One row more than shown says whether there is an older page, without a COUNT.
    """
    page = int(number) if number and number.isdigit() and 0 < int(number) < 10_000 else 1
    start = (page - 1) * REFERRALS_PER_PAGE
    rows = selectors.referral_rows(selectors.referral_row_values(queryset)[start : start + REFERRALS_PER_PAGE + 1])
    return rows[:REFERRALS_PER_PAGE], (page, len(rows) > REFERRALS_PER_PAGE)


def _referral_page_links(box: str, at: tuple[int, bool], other: str, other_at: tuple[int, bool]) -> dict[str, str]:
    """Links to the newer and older pages of one list, keeping the other list where it is."""
    page, more = at
    keep = f"&{other}={other_at[0]}" if other_at[0] > 1 else ""
    return {
        "newer": f"?{box}={page - 1}{keep}" if page > 1 else "",
        "older": f"?{box}={page + 1}{keep}" if more else "",
    }


def _referral_context(acting: ActingUser, referral_id: int) -> dict[str, Any]:
    # One read, one check of the access rule and one audit entry for the whole page.
    view = referral_view_for(acting=acting, referral_id=referral_id)
    referral = view.referral
    is_recipient = acting.membership is not None and acting.membership.organisation_id == referral.to_organisation_id
    return {
        "referral": referral,
        "view": view,
        "is_recipient": is_recipient,
        "overdue": selectors.referral_is_overdue(referral),
    }


@page()
def referral_detail(request: HttpRequest, acting: ActingUser, referral_id: int) -> HttpResponse:
    context = _referral_context(acting, referral_id)
    referral = context["referral"]
    context.update(
        {
            "decline_form": forms.DeclineForm(),
            "may_answer": context["is_recipient"]
            and referral.status == ReferralStatus.PENDING
            and can(acting, Capability.CASE_MANAGE),
            "may_revoke": not context["is_recipient"]
            and referral.status == ReferralStatus.PENDING
            and can(acting, Capability.REFERRAL_REVOKE),
            "case_open": referral.case.status == CaseStatus.OPEN,
        }
    )
    return render(request, "referrals/referral_detail.html", context)


@require_POST
@page(Capability.CASE_MANAGE)
def referral_accept(request: HttpRequest, acting: ActingUser, referral_id: int) -> HttpResponse:
    referral = selectors.referral_get_for(acting=acting, referral_id=referral_id)
    try:
        services.referral_accept(acting=acting, referral=referral)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You accepted the referral."))
    return redirect("referrals:detail", referral_id=referral.pk)


@sensitive_post_parameters()
@require_POST
@page(Capability.CASE_MANAGE)
def referral_decline(request: HttpRequest, acting: ActingUser, referral_id: int) -> HttpResponse:
    referral = selectors.referral_get_for(acting=acting, referral_id=referral_id)
    form = forms.DeclineForm(request.POST)
    try:
        services.referral_decline(
            acting=acting, referral=referral, reason=form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("referrals:detail", referral_id=referral.pk)
    messages.success(request, _("You declined the referral; the sender is told why."))
    return redirect("referrals:list")


@require_POST
@page(Capability.REFERRAL_REVOKE)
def referral_revoke(request: HttpRequest, acting: ActingUser, referral_id: int) -> HttpResponse:
    referral = selectors.referral_get_for(acting=acting, referral_id=referral_id)
    try:
        services.referral_revoke(acting=acting, referral=referral)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The referral is revoked."))
    return redirect("referrals:detail", referral_id=referral.pk)


@page()
def referral_summary(request: HttpRequest, acting: ActingUser, referral_id: int) -> HttpResponse:
    return render(request, "referrals/referral_summary.html", _referral_context(acting, referral_id))


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The summary is self-contained: nothing in it may make the server fetch a URL.
    raise ValueError("a referral summary loads no external resources")


@page()
def referral_summary_pdf(request: HttpRequest, acting: ActingUser, referral_id: int) -> HttpResponse:
    from weasyprint import HTML

    context = _referral_context(acting, referral_id)
    html = render_to_string("referrals/referral_summary_pdf.html", context, request=request)
    pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    reference = context["referral"].case.reference
    response["Content-Disposition"] = f'inline; filename="referral-{reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
