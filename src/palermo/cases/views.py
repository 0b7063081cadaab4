"""Pages for cases, consents and referrals: thin, the services and selectors decide."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from palermo.attachments.downloads import attachment_response
from palermo.attachments.uploads import limit_uploads
from palermo.audit.services import audit_record
from palermo.cases import forms, selectors, services, vocabularies
from palermo.cases.htcds import case_to_htcds
from palermo.cases.models import Case, CaseEvent, CaseStatus, ReferralStatus
from palermo.cases.panels import CASE_PANELS, case_panels_context
from palermo.cases.people import person_label, person_reference
from palermo.cases.sharing import shareable_label, shared_view
from palermo.common.catalogue import service_label
from palermo.identification.selectors import identification_statuses, screening_get_for
from palermo.organisations.models import Organisation
from palermo.people.selectors import person_get_for
from palermo.permissions import Actor, Capability, can
from palermo.web.decorators import page

# Service argument names that the forms call differently (a form field cannot be called `fields`).
FORM_FIELD_OF = {"fields": "shared_fields", "recipient": "organisation"}


def _errors_into(form: Form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        field = FORM_FIELD_OF.get(field, field)
        form.add_error(field if field in form.fields else None, errors)


def _organisation(pk: int | None) -> Organisation | None:
    return get_object_or_404(Organisation, pk=pk) if pk else None


@page()
def case_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    cases = Paginator(selectors.case_list_for(actor=actor), 25).get_page(request.GET.get("page"))
    selectors.case_list_audited(actor=actor, cases=list(cases.object_list))
    rows = [(case, person_label(case.person)) for case in cases.object_list]
    return render(request, "cases/case_list.html", {"page_obj": cases, "rows": rows})


@require_POST
@page(Capability.CASE_OPEN)
def case_open(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Open a case from a person's page (person=<id>) or from a screening with a person (screening=<id>)."""
    screening = None
    if request.POST.get("screening"):
        screening = screening_get_for(actor=actor, screening_id=request.POST["screening"])
        if screening.person_id is None:
            messages.error(request, _("Attach the screening to a person before opening a case."))
            return redirect("identification:detail", screening_id=screening.pk)
        person = person_get_for(actor=actor, person_id=screening.person_id)
    else:
        person = person_get_for(actor=actor, person_id=request.POST.get("person", ""))
    case = services.case_open(actor=actor, person=person, screening=screening)
    messages.success(request, _("Case %(reference)s is open.") % {"reference": case.reference})
    return redirect("cases:detail", case_id=case.pk)


def _history(events: list[CaseEvent]) -> list[dict[str, Any]]:
    return [
        {"event": event, "label": event.get_kind_display(), "detail": _event_detail(event.detail)} for event in events
    ]


def _event_detail(detail: dict[str, Any]) -> str:
    parts = []
    if detail.get("reason"):
        parts.append(vocabularies.label("closure_reasons", detail["reason"]))
    if detail.get("previous_reason"):
        parts.append(
            _("closed before: %(reason)s")
            % {"reason": vocabularies.label("closure_reasons", detail["previous_reason"])}
        )
    if detail.get("follow_up_on"):
        parts.append(_("follow-up on %(date)s") % {"date": detail["follow_up_on"]})
    return " · ".join(parts)


@page()
def case_detail(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(actor=actor, case_id=case_id)
    return render(request, "cases/case_detail.html", _case_context(actor, case))


def _case_context(actor: Actor, case: Case, **forms_in_use: Form) -> dict[str, Any]:
    """Everything the case page shows; `forms_in_use` replaces a blank form with one bound to the user's input.

    The busiest page of the product: each list is read once, and forms that few visits use (the case
    workers, closing) live on their own pages.
    """
    screenings = identification_statuses(selectors.case_screenings(case))
    records = selectors.case_page_records(case)
    can_manage = can(actor, Capability.CASE_MANAGE)
    context = {
        "case": case,
        "person_name": person_label(case.person),
        "person_reference": person_reference(case.person),
        "trafficking_status": vocabularies.label(
            "trafficking_status", selectors.case_trafficking_status(case, statuses=screenings)
        ),
        "htcds_status": vocabularies.label("case_status", selectors.htcds_case_status(case)),
        "closure_reason": vocabularies.label("closure_reasons", case.closure_reason) if case.closure_reason else "",
        "exploitation_types": [vocabularies.label("type_of_exploitation", c) for c in case.exploitation_types or []],
        "methods_of_control": [vocabularies.label("methods_of_control", c) for c in case.methods_of_control or []],
        "screenings": screenings,
        "consents": [
            (c, [shareable_label(f) for f in c.fields], [service_label(s) for s in c.services])
            for c in records.consents
        ],
        "legal_bases": [(b, [shareable_label(f) for f in b.fields]) for b in records.legal_bases],
        "referrals": [
            (r, selectors.referral_is_overdue(r), selectors.referral_access_holds(r)) for r in records.referrals
        ],
        "notes": records.notes,
        "history": _history(records.events),
        "note_form": forms.NoteForm() if can_manage else None,
        "can_manage": can_manage,
        "can_decide": can(actor, Capability.DECISION_RECORD),
        "can_revoke": can(actor, Capability.REFERRAL_REVOKE),
        "assigned_users": list(case.assigned_to.all()),
        "case_panels": CASE_PANELS,
        "attachments": records.attachments,
        "attachment_form": forms.AttachmentForm(max_mb=settings.PALERMO_CASE_ATTACHMENT_MAX_MB) if can_manage else None,
        "attachment_max_count": settings.PALERMO_CASE_ATTACHMENT_MAX_COUNT,
    }
    context.update(case_panels_context(actor=actor, case=case))
    context.update(forms_in_use)
    return context


@sensitive_post_parameters()
@page(Capability.CASE_MANAGE)
def case_exploitation(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(actor=actor, case_id=case_id)
    initial = {name: getattr(case, name) for name in forms.ExploitationForm.base_fields}
    form = forms.ExploitationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update_exploitation(actor=actor, case=case, **form.cleaned_data)
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "heading": _("Exploitation")},
        status=400 if form.errors else 200,
    )


@page(Capability.CASE_MANAGE)
def case_assign(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """Who works on the case: a page of its own, so the case page does not list the organisation's staff."""
    case = selectors.case_get_for(actor=actor, case_id=case_id)
    case_workers = selectors.case_workers_of(case.organisation_id)
    if request.method == "POST":
        # Only the organisation's case workers can be chosen; any other id is refused here and by the service.
        wanted = {int(v) for v in request.POST.getlist("assigned_to") if v.isdigit()}
        users = list(case_workers.filter(pk__in=wanted))
        if len(users) != len(wanted):
            messages.error(request, _("Only case workers of this organisation can be assigned."))
            return redirect("cases:assign", case_id=case.pk)
        try:
            services.case_assign(actor=actor, case=case, users=users)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("cases:assign", case_id=case.pk)
        messages.success(request, _("The case workers are saved."))
        return redirect("cases:detail", case_id=case.pk)
    assigned = set(case.assigned_to.values_list("pk", flat=True))
    return render(
        request,
        "cases/case_assign.html",
        {"case": case, "case_workers": [(user, user.pk in assigned) for user in case_workers]},
    )


@sensitive_post_parameters()
@require_POST
@page(Capability.CASE_MANAGE)
def case_note(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(actor=actor, case_id=case_id)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the note first."))
        return redirect("cases:detail", case_id=case.pk)
    try:
        services.case_note_add(actor=actor, case=case, text=form.cleaned_data["text"])
    except ValidationError as error:
        _errors_into(form, error)  # the case page again, with the note as it was written
        return render(request, "cases/case_detail.html", _case_context(actor, case, note_form=form), status=400)
    messages.success(request, _("The note is added."))
    return redirect("cases:detail", case_id=case.pk)


@csrf_exempt  # checked just below, once the upload handlers are set (the CSRF check reads the body)
@require_POST
def case_attachment_add(request: HttpRequest, case_id: int) -> HttpResponse:
    """Upload one file. A refused file re-renders the case page with the message and the typed title kept."""
    # In memory only (a photo with GPS data never touches the disk) and never more than the limit kept.
    limit_uploads(request, max_bytes=services.attachment_max_bytes(), max_files=1)
    return _case_attachment_add(request, case_id=case_id)


@csrf_protect
@sensitive_post_parameters()
@page(Capability.CASE_MANAGE)
def _case_attachment_add(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(actor=actor, case_id=case_id)
    form = forms.AttachmentForm(request.POST, request.FILES, max_mb=settings.PALERMO_CASE_ATTACHMENT_MAX_MB)
    if form.is_valid():
        try:
            services.case_attachment_add(
                actor=actor,
                case=case,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("The file is added."))
            return redirect(f"{reverse('cases:detail', args=[case.pk])}#attachments-h")
    context = _case_context(actor, case, attachment_form=form)
    return render(request, "cases/case_detail.html", context, status=400)


@page()
def case_attachment_download(request: HttpRequest, actor: Actor, case_id: int, attachment_id: int) -> HttpResponse:
    """A file only as a download (never rendered in the page), and every download audited."""
    attachment = selectors.case_attachment_get_for(actor=actor, case_id=case_id, attachment_id=attachment_id)
    return attachment_response(attachment.content, content_type=attachment.content_type, filename=attachment.filename)


@require_POST
@page(Capability.CASE_MANAGE)
def case_attachment_remove(request: HttpRequest, actor: Actor, case_id: int, attachment_id: int) -> HttpResponse:
    attachment = selectors.case_attachment_get_for(
        actor=actor, case_id=case_id, attachment_id=attachment_id, to_remove=True
    )
    services.case_attachment_remove(actor=actor, attachment=attachment)
    messages.success(request, _("The file is removed."))
    return redirect(f"{reverse('cases:detail', args=[case_id])}#attachments-h")


@sensitive_post_parameters()
@page(Capability.CASE_MANAGE)
def case_close(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(actor=actor, case_id=case_id)
    form = forms.CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(actor=actor, case=case, **form.cleaned_data)
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("The case is closed."))
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "heading": _("Close the case")},
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters()
@page(Capability.CASE_MANAGE)
def case_reopen(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(actor=actor, case_id=case_id)
    form = forms.ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reopen(actor=actor, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("The case is open again."))
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "heading": _("Reopen the case")},
        status=400 if form.errors else 200,
    )


@page()
def case_htcds(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(actor=actor, case_id=case_id)
    audit_record(actor=actor, action="case.export", target=case, detail={"format": "htcds"})
    response = JsonResponse(case_to_htcds(case), json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-htcds.json"'
    return response


@sensitive_post_parameters()
@page(Capability.CASE_MANAGE)
def consent_create(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(actor=actor, case_id=case_id)
    form = forms.ConsentForm(request.POST or None, recipients=selectors.referral_recipient_choices(actor))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["fields"] = data.pop("shared_fields")
        try:
            services.consent_record(actor=actor, case=case, recipient=_organisation(data.pop("organisation")), **data)
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "heading": _("Record consent")},
        status=400 if form.errors else 200,
    )


@require_POST
@page(Capability.CASE_MANAGE)
def consent_withdraw(request: HttpRequest, actor: Actor, case_id: int, consent_id: int) -> HttpResponse:
    consent = selectors.consent_get_for(actor=actor, consent_id=consent_id)
    if consent.case_id != int(case_id):
        raise PermissionDenied("consent.other_case")
    try:
        services.consent_withdraw(actor=actor, consent=consent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The withdrawal is recorded. Nothing more is shared on this consent."))
    return redirect("cases:detail", case_id=consent.case_id)


@sensitive_post_parameters()
@page(Capability.DECISION_RECORD)
def legal_basis_create(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(actor=actor, case_id=case_id)
    form = forms.LegalBasisForm(request.POST or None, recipients=selectors.referral_recipient_choices(actor))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["fields"] = data.pop("shared_fields")
        try:
            services.legal_basis_record(
                actor=actor, case=case, recipient=_organisation(data.pop("organisation")), **data
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("The legal basis is recorded."))
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "heading": _("Record a legal basis")},
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters()
@page(Capability.CASE_MANAGE)
def referral_create(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(actor=actor, case_id=case_id)
    form = forms.ReferralForm(request.POST or None, recipients=selectors.referral_recipient_choices(actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_send(
                actor=actor,
                case=case,
                to_organisation=get_object_or_404(Organisation, pk=data["to_organisation"]),
                services=data["services"],
                note=data["note"],
            )
        except ValidationError as error:
            _errors_into(form, error)
        else:
            messages.success(request, _("The referral is sent."))
            return redirect("cases:referral", referral_id=referral.pk)
    return render(
        request,
        "cases/case_form.html",
        {"case": case, "form": form, "heading": _("Refer the case")},
        status=400 if form.errors else 200,
    )


@page()
def referral_inbox(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not (can(actor, Capability.CASE_MANAGE) or can(actor, Capability.REFERRAL_REVOKE)):
        raise PermissionDenied("referral.list")
    received, received_at = _referral_page(selectors.referral_inbox_for(actor=actor), request.GET.get("received"))
    sent, sent_at = _referral_page(selectors.referral_outbox_for(actor=actor), request.GET.get("sent"))
    shown = [r.pk for r in received + sent]
    if shown:
        audit_record(actor=actor, action="referral.list", detail={"ids": shown})
    return render(
        request,
        "cases/referral_inbox.html",
        {
            # "from …" and "to …" formatted here: a {% blocktranslate %} a line was a tenth of the page's time.
            "received": [(r, _("from %(org)s") % {"org": r.organisation_name}) for r in received],
            "sent": [(r, _("to %(org)s") % {"org": r.to_organisation_name}) for r in sent],
            # One reverse() for all lines: a {% url %} per line was a tenth of the page's time.
            "referral_url_prefix": reverse("cases:referrals"),
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


def _referral_context(actor: Actor, referral_id: int) -> dict[str, Any]:
    referral = selectors.referral_get_for(actor=actor, referral_id=referral_id)
    is_recipient = actor.membership is not None and actor.membership.organisation_id == referral.to_organisation_id
    return {
        "referral": referral,
        "view": shared_view(referral, actor),
        "is_recipient": is_recipient,
        "overdue": selectors.referral_is_overdue(referral),
    }


@page()
def referral_detail(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    context = _referral_context(actor, referral_id)
    referral = context["referral"]
    context.update(
        {
            "decline_form": forms.DeclineForm(),
            "may_answer": context["is_recipient"]
            and referral.status == ReferralStatus.PENDING
            and can(actor, Capability.CASE_MANAGE),
            "may_revoke": not context["is_recipient"]
            and referral.status == ReferralStatus.PENDING
            and can(actor, Capability.REFERRAL_REVOKE),
            "case_open": referral.case.status == CaseStatus.OPEN,
        }
    )
    return render(request, "cases/referral_detail.html", context)


@require_POST
@page(Capability.CASE_MANAGE)
def referral_accept(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    referral = selectors.referral_get_for(actor=actor, referral_id=referral_id)
    try:
        services.referral_accept(actor=actor, referral=referral)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You accepted the referral."))
    return redirect("cases:referral", referral_id=referral.pk)


@sensitive_post_parameters()
@require_POST
@page(Capability.CASE_MANAGE)
def referral_decline(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    referral = selectors.referral_get_for(actor=actor, referral_id=referral_id)
    form = forms.DeclineForm(request.POST)
    try:
        services.referral_decline(
            actor=actor, referral=referral, reason=form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cases:referral", referral_id=referral.pk)
    messages.success(request, _("You declined the referral; the sender is told why."))
    return redirect("cases:referrals")


@require_POST
@page(Capability.REFERRAL_REVOKE)
def referral_revoke(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    referral = selectors.referral_get_for(actor=actor, referral_id=referral_id)
    try:
        services.referral_revoke(actor=actor, referral=referral)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The referral is revoked."))
    return redirect("cases:referral", referral_id=referral.pk)


@page()
def referral_summary(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    return render(request, "cases/referral_summary.html", _referral_context(actor, referral_id))


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The summary is self-contained: nothing in it may make the server fetch a URL.
    raise ValueError("a referral summary loads no external resources")


@page()
def referral_summary_pdf(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    from weasyprint import HTML

    context = _referral_context(actor, referral_id)
    html = render_to_string("cases/referral_summary_pdf.html", context, request=request)
    pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    reference = context["referral"].case.reference
    response["Content-Disposition"] = f'inline; filename="referral-{reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
