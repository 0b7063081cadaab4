"""The public reporting pages (no account, no cookie, no address kept) and the recipients' inbox."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from palermo.permissions import Actor, Capability
from palermo.reporting import selectors, services
from palermo.reporting.forms import FollowUpForm, ReplyForm, TipForm, TriageForm
from palermo.reporting.models import TipStatus
from palermo.web.decorators import page

WINDOW = 600


def submit_limited(request: HttpRequest) -> bool:
    return services.rate_limited(
        bucket="submit", address=_address(request), limit=settings.PALERMO_TIP_RATE_LIMIT, window=WINDOW
    )


def receipt_limited(request: HttpRequest) -> bool:
    return services.rate_limited(
        bucket="receipt", address=_address(request), limit=settings.PALERMO_RECEIPT_RATE_LIMIT, window=WINDOW
    )


def _language(code: str) -> str:
    if code not in settings.PALERMO_PUBLIC_LANGUAGES:
        raise Http404
    return code


def public_languages() -> list[tuple[str, str]]:
    return [(code, translation.get_language_info(code)["name_local"]) for code in settings.PALERMO_PUBLIC_LANGUAGES]


def _address(request: HttpRequest) -> str:
    # Used only as input to a keyed, expiring digest for rate limits; never stored or logged.
    return get_client_ip_address(request) or "unknown"


@csrf_exempt  # No session and no cookie on the public form: a CSRF token would be a cookie to find.
@sensitive_post_parameters()
@sensitive_variables()
def tip_report(request: HttpRequest, language: str = "en") -> HttpResponse:
    with translation.override(_language(language)):
        form = TipForm(request.POST or None)
        context = {"form": form, "language": language, "languages": public_languages()}
        if request.method == "POST":
            if submit_limited(request):
                context["busy"] = True
                return render(request, "reporting/report.html", context, status=429)
            if form.is_valid():
                try:
                    submitted = services.tip_submit(data=form.cleaned_data, language=language)
                except services.TipInputError as error:
                    for field, errors in error.fields.items():
                        form.add_error(field, errors)
                else:
                    context["receipt"] = submitted.receipt
                    return render(request, "reporting/sent.html", context)
            return render(request, "reporting/report.html", context, status=400)
        return render(request, "reporting/report.html", context)


@csrf_exempt
@sensitive_post_parameters()
@sensitive_variables()
def tip_follow_up(request: HttpRequest, language: str = "en") -> HttpResponse:
    with translation.override(_language(language)):
        form = FollowUpForm(request.POST or None)
        context: dict[str, object] = {"form": form, "language": language, "languages": public_languages()}
        if request.method == "POST" and form.is_valid():
            if receipt_limited(request):
                context["busy"] = True
                return render(request, "reporting/follow_up.html", context, status=429)
            tip = services.tip_for_receipt(form.cleaned_data["receipt"])
            if tip is None:
                form.add_error("receipt", _("We could not find a report with this code. Check it and try again."))
                return render(request, "reporting/follow_up.html", context, status=400)
            if form.cleaned_data["message"]:
                try:
                    services.tip_follow_up(tip=tip, message=form.cleaned_data["message"])
                except services.TipInputError as error:
                    form.add_error("message", error.fields["message"])
                else:
                    context["added"] = True
                    form = FollowUpForm(initial={"receipt": form.cleaned_data["receipt"]})
                    context["form"] = form
            context["conversation"] = list(tip.messages.all())
            context["receipt"] = form["receipt"].value()
        return render(request, "reporting/follow_up.html", context, status=400 if form.errors else 200)


# --- Recipients -------------------------------------------------------------------------------------------


@page(Capability.TIPS_TRIAGE)
def tip_inbox(request: HttpRequest, actor: Actor) -> HttpResponse:
    status = request.GET.get("status", "")
    tips = selectors.tip_inbox_page_for(actor=actor)
    if status in TipStatus.values:
        tips = tips.filter(status=status)
    tips_page = Paginator(tips, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page_obj": tips_page, "status": status, "statuses": TipStatus.choices, "query": query.urlencode()}
    return render(request, "reporting/inbox.html", context)


@sensitive_post_parameters()
@page(Capability.TIPS_TRIAGE)
def tip_detail(request: HttpRequest, actor: Actor, tip_id: int) -> HttpResponse:
    tip = selectors.tip_get_for(actor=actor, tip_id=tip_id)
    reply = ReplyForm(request.POST if "body" in request.POST else None)
    triage = TriageForm(
        request.POST if "status" in request.POST else None, initial={"status": tip.status, "priority": tip.priority}
    )
    if request.method == "POST":
        try:
            if reply.is_bound and reply.is_valid():
                services.tip_reply(actor=actor, tip=tip, body=reply.cleaned_data["body"])
                messages.success(request, _("Your answer is waiting for the reporter."))
                return redirect("reporting:detail", tip_id=tip.pk)
            if triage.is_bound and triage.is_valid():
                services.tip_triage(actor=actor, tip=tip, **triage.cleaned_data)
                messages.success(request, _("Saved."))
                return redirect("reporting:detail", tip_id=tip.pk)
        except ValidationError as error:
            reply.add_error(None, error)
    context = {"tip": tip, "reply": reply, "triage": triage, "conversation": list(tip.messages.all())}
    return render(request, "reporting/detail.html", context, status=400 if request.method == "POST" else 200)
