"""The public reporting pages (no account, no cookie, no address kept) and the recipients' inbox."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from palermo.attachments.downloads import attachment_response
from palermo.attachments.uploads import limit_uploads
from palermo.permissions import ActingUser, Capability, can, governs_deployment, may_set_tip_route
from palermo.reporting import conversions, selectors, services
from palermo.reporting.forms import (
    AssignForm,
    FollowUpForm,
    ForwardForm,
    InspectionRequestForm,
    InspectionStatusForm,
    LinkForm,
    ReplyForm,
    RouteForm,
    TipForm,
    TriageForm,
    add_public_extras,
)
from palermo.reporting.models import Exploitation, TipRoute, TipStatus
from palermo.web.client_address import client_address
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
    return client_address(request) or "unknown"


@csrf_exempt  # No session and no cookie on the public form: a CSRF token would be a cookie to find.
@sensitive_post_parameters()
@sensitive_variables()
def tip_report(request: HttpRequest, language: str = "en") -> HttpResponse:
    # Photos stay in memory (never a temporary file on disk) and no more than the limit is kept.
    limit_uploads(request, max_bytes=services.PHOTO_MAX_BYTES, max_files=services.MAX_PHOTOS)
    with translation.override(_language(language)):
        bound = request.method == "POST"
        form = TipForm(request.POST if bound else None, request.FILES if bound else None)
        add_public_extras(form)
        context = {"form": form, "language": language, "languages": public_languages()}
        if request.method == "POST":
            if submit_limited(request):
                context["busy"] = True
                return render(request, "reporting/report.html", context, status=429)
            if form.is_valid():
                try:
                    data = {k: v for k, v in form.cleaned_data.items() if k != "photos"}
                    submitted = services.tip_submit(data=data, language=language, photos=form.cleaned_data["photos"])
                except services.TipInputError as error:
                    for field, errors in error.fields.items():
                        form.add_error(field if field in form.fields else None, errors)
                    context["kept"] = True
                else:
                    context["receipt"] = submitted.receipt
                    context["held"] = submitted.held
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
            context["held"] = tip.organisation_id is None
            context["receipt"] = form["receipt"].value()
        return render(request, "reporting/follow_up.html", context, status=400 if form.errors else 200)


# --- Recipients -------------------------------------------------------------------------------------------


@page(Capability.TIPS_TRIAGE)
def tip_inbox(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    status = request.GET.get("status", "")
    mine = request.GET.get("mine") == "1"
    tips = selectors.tip_inbox_page_for(acting=acting)
    if status in TipStatus.values:
        tips = tips.filter(status=status)
    if mine:
        tips = tips.filter(assigned_to=acting.user)
    tips_page = Paginator(tips, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    statuses = [c for c in TipStatus.choices if c[0] != TipStatus.FORWARDED]
    context = {"page_obj": tips_page, "status": status, "statuses": statuses, "mine": mine, "query": query.urlencode()}
    return render(request, "reporting/inbox.html", context)


@sensitive_post_parameters()
@page(Capability.TIPS_TRIAGE)
def tip_detail(request: HttpRequest, acting: ActingUser, tip_id: int) -> HttpResponse:
    tip = selectors.tip_get_for(acting=acting, tip_id=tip_id)
    assert acting.membership is not None
    post = request.POST if request.method == "POST" else None
    action = ""
    if post is not None:
        action = post.get("action") or ("reply" if "body" in post else "triage")

    def bound(name: str) -> QueryDict | None:
        return post if action == name else None

    forms = {
        "reply": ReplyForm(bound("reply")),
        "triage": TriageForm(bound("triage"), initial={"status": tip.status, "priority": tip.priority}),
        "assign": AssignForm(
            bound("assign"),
            assignees=services.tip_assignees(acting=acting),
            initial={"assigned_to": tip.assigned_to_id},
        ),
        "forward": ForwardForm(bound("forward"), own_organisation_id=acting.membership.organisation_id),
        "link": LinkForm(bound("link")),
        "inspection_request": InspectionRequestForm(
            bound("inspection_request"), initial={"place": tip.content.get("location", "")}
        ),
    }
    if post is not None:
        form = forms.get(action)
        try:
            done = _tip_action(request, acting, tip, action, form)
        except ValidationError as error:
            target = form if form is not None else forms["reply"]
            _add_errors(target, error)
        else:
            if done is not None:
                return done
    context = {
        "tip": tip,
        "forms": forms,
        "reply": forms["reply"],
        "triage": forms["triage"],
        "conversation": list(tip.messages.all()),
        "photos": list(tip.photos.defer("content")),
        "links": selectors.tip_links_for(acting=acting, tip=tip),
        "suggestions": selectors.tip_link_suggestions_for(acting=acting, tip=tip),
        "forwards": list(tip.forwards.select_related("from_organisation", "to_organisation")),
        "conversions": [
            (c, conversions.CONVERSION_KINDS.get(c.kind), conversions.conversion_url(c))
            for c in tip.conversions.filter(organisation_id=tip.organisation_id or 0)
        ],
        "can_screen": can(acting, Capability.SCREENING_CONDUCT),
        "can_open_case": can(acting, Capability.CASE_OPEN),
    }
    return render(request, "reporting/detail.html", context, status=400 if post is not None else 200)


def _add_errors(form: object, error: ValidationError) -> None:
    assert hasattr(form, "add_error")
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)  # type: ignore[attr-defined]
    else:
        form.add_error(None, error)


def _tip_action(
    request: HttpRequest, acting: ActingUser, tip: object, action: str, form: object
) -> HttpResponse | None:
    """Run one action of the tip page; None when the form was invalid (shown again with its errors)."""
    from palermo.reporting.models import Tip

    assert isinstance(tip, Tip)
    again = redirect("reporting:detail", tip_id=tip.pk)
    if action == "unlink":
        services.tip_unlink(acting=acting, tip=tip, other_id=int(request.POST.get("other", 0) or 0))
        messages.success(request, _("The tips are no longer linked."))
        return again
    if action in conversions.CONVERSION_KINDS and action != "inspection_request":
        made = conversions.tip_convert(acting=acting, tip=tip, kind=action, data=request.POST)
        messages.success(request, _("Done: the tip is linked to what you made of it."))
        return redirect(conversions.conversion_url(made) or again.url)
    if form is None or not form.is_valid():  # type: ignore[attr-defined]
        return None
    data = form.cleaned_data  # type: ignore[attr-defined]
    if action == "reply":
        services.tip_reply(acting=acting, tip=tip, body=data["body"])
        messages.success(request, _("Your answer is waiting for the reporter."))
    elif action == "triage":
        services.tip_triage(acting=acting, tip=tip, **data)
        messages.success(request, _("Saved."))
    elif action == "assign":
        services.tip_assign(acting=acting, tip=tip, user_id=data["assigned_to"])
        messages.success(request, _("Saved."))
    elif action == "forward":
        forward = services.tip_forward(acting=acting, tip=tip, organisation_id=data["organisation"], note=data["note"])
        messages.success(
            request, _("The tip went to %(name)s. It is no longer in your inbox.") % {"name": forward.to_organisation}
        )
        return redirect("reporting:forwarded")
    elif action == "link":
        other = selectors.tip_inbox_for(acting=acting).filter(pk=data["other"]).first()
        if other is None:
            raise ValidationError({"other": _("There is no tip with this number in your inbox.")})
        services.tip_link(acting=acting, tip=tip, other=other)
        messages.success(request, _("The tips are linked."))
    elif action == "inspection_request":
        made = conversions.tip_convert(
            acting=acting,
            tip=tip,
            kind="inspection_request",
            data={"target": data["target"].pk, "place": data["place"], "scope": data["scope"]},
        )
        messages.success(request, _("The inspection request is recorded."))
        return redirect(conversions.conversion_url(made))
    return again


@page(Capability.TIPS_TRIAGE)
def tip_photo(request: HttpRequest, acting: ActingUser, tip_id: int, photo_id: int) -> HttpResponse:
    """A photo, only as a download (never rendered in the page), and every download audited."""
    photo = selectors.tip_photo_get_for(acting=acting, tip_id=tip_id, photo_id=photo_id)
    return attachment_response(photo.content, content_type=photo.content_type, filename=photo.filename)


@page(Capability.TIPS_TRIAGE)
def tip_forwarded(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    forwards = Paginator(selectors.tip_forwards_sent_for(acting=acting), 50).get_page(request.GET.get("page"))
    return render(request, "reporting/forwarded.html", {"page_obj": forwards, "query": ""})


@page(Capability.TIPS_TRIAGE)
def inspection_requests(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    status = 200
    if request.method == "POST":
        inspection = selectors.inspection_request_get_for(
            acting=acting, inspection_id=request.POST.get("inspection", "")
        )
        form = InspectionStatusForm(request.POST)
        if form.is_valid():
            conversions.inspection_request_set_status(acting=acting, inspection=inspection, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("reporting:inspections")
        messages.error(request, _("Choose one of the statuses."))
        status = 400
    rows = [
        (inspection, InspectionStatusForm(initial={"status": inspection.status}, prefix=f"i{inspection.pk}"))
        for inspection in selectors.inspection_requests_listed_for(acting=acting)
    ]
    return render(request, "reporting/inspections.html", {"rows": rows}, status=status)


# --- Routing, for coordinators --------------------------------------------------------------------------


@page(Capability.PLANNING_MANAGE)
def tip_routes(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    form = RouteForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            route = services.tip_route_set(
                acting=acting,
                organisation_id=data["organisation"].pk,
                exploitation=data["exploitation"],
                area=data["area"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied as refused:
            # Say who decides, on the form, and answer 403: nothing changed.
            form.add_error("organisation", str(refused))
            status = 403
        else:
            messages.success(request, _("Tips now go to %(name)s by this route.") % {"name": route.organisation})
            return redirect("reporting:routes")
    routes = list(selectors.tip_routes_for(acting=acting))
    labels = {TipRoute.ANY: _("Any form"), **dict(Exploitation.choices)}
    context = {
        "form": form,
        "routes": [
            (
                route,
                labels.get(route.exploitation, route.exploitation),
                may_set_tip_route(
                    acting,
                    area=route.area,
                    organisation_id=route.organisation_id,
                    replaced_organisation_id=route.organisation_id,
                ),
            )
            for route in routes
        ],
        "has_fallback": any(r.is_fallback for r in routes),
        # Routes whose organisation has nobody left who may triage: their tips wait unread.
        "unread_route_ids": {r.pk for r in selectors.tip_routes_reaching_nobody()},
        "governs": governs_deployment(acting),
    }
    if form.errors and status == 200:
        status = 400
    return render(request, "reporting/routes.html", context, status=status)


@page(Capability.PLANNING_MANAGE)
def tip_route_remove(request: HttpRequest, acting: ActingUser, route_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("reporting:routes")
    try:
        services.tip_route_remove(acting=acting, route_id=route_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The route is removed."))
    return redirect("reporting:routes")
