"""Pages for cases, their notes and files: thin, the services and selectors decide."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
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
from palermo.cases.models import Case, CaseEvent
from palermo.cases.panels import CASE_PANELS, case_panels_context
from palermo.identification.selectors import identification_statuses, screening_get_for
from palermo.people.selectors import person_get_for
from palermo.permissions import ActingUser, Capability, can
from palermo.web.decorators import page
from palermo.web.form_errors import errors_into


@page()
def case_list(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    cases = Paginator(selectors.case_list_for(acting=acting), 25).get_page(request.GET.get("page"))
    selectors.case_list_audited(acting=acting, cases=list(cases.object_list))
    rows = [(case, case.person.display_name) for case in cases.object_list]
    return render(request, "cases/case_list.html", {"page_obj": cases, "rows": rows})


@require_POST
@page(Capability.CASE_OPEN)
def case_open(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    """Open a case from a person's page (person=<id>) or from a screening with a person (screening=<id>)."""
    screening = None
    if request.POST.get("screening"):
        screening = screening_get_for(acting=acting, screening_id=request.POST["screening"])
        if screening.person_id is None:
            messages.error(request, _("Attach the screening to a person before opening a case."))
            return redirect("identification:detail", screening_id=screening.pk)
        person = person_get_for(acting=acting, person_id=screening.person_id)
    else:
        person = person_get_for(acting=acting, person_id=request.POST.get("person", ""))
    case = services.case_open(acting=acting, person=person, screening=screening)
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
def case_detail(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(acting=acting, case_id=case_id)
    return render(request, "cases/case_detail.html", _case_context(acting, case))


def _case_context(acting: ActingUser, case: Case, **forms_in_use: Form) -> dict[str, Any]:
    """Everything the case page shows; `forms_in_use` replaces a blank form with one bound to the user's input.

    The busiest page of the product: each list is read once, and forms that few visits use (the case
    workers, closing) live on their own pages.
    """
    screenings = identification_statuses(selectors.case_screenings(case))
    records = selectors.case_page_records(case)
    can_manage = can(acting, Capability.CASE_MANAGE)
    context = {
        "case": case,
        "person_name": case.person.display_name,
        "person_reference": case.person.reference,
        "trafficking_status": vocabularies.label(
            "trafficking_status", selectors.case_trafficking_status(case, statuses=screenings)
        ),
        "htcds_status": vocabularies.label("case_status", selectors.htcds_case_status(case)),
        "closure_reason": vocabularies.label("closure_reasons", case.closure_reason) if case.closure_reason else "",
        "exploitation_types": [vocabularies.label("type_of_exploitation", c) for c in case.exploitation_types or []],
        "methods_of_control": [vocabularies.label("methods_of_control", c) for c in case.methods_of_control or []],
        "screenings": screenings,
        "notes": records.notes,
        "history": _history(records.events),
        "note_form": forms.NoteForm() if can_manage else None,
        "can_manage": can_manage,
        "can_decide": can(acting, Capability.DECISION_RECORD),
        "can_revoke": can(acting, Capability.REFERRAL_REVOKE),
        "assigned_users": list(case.assigned_to.all()),
        "case_panels": CASE_PANELS,
        "attachments": records.attachments,
        "attachment_form": forms.AttachmentForm(max_mb=settings.PALERMO_CASE_ATTACHMENT_MAX_MB) if can_manage else None,
        "attachment_max_count": settings.PALERMO_CASE_ATTACHMENT_MAX_COUNT,
    }
    context.update(case_panels_context(acting=acting, case=case))
    context.update(forms_in_use)
    return context


@sensitive_post_parameters()
@page(Capability.CASE_MANAGE)
def case_exploitation(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(acting=acting, case_id=case_id)
    initial = {name: getattr(case, name) for name in forms.ExploitationForm.base_fields}
    form = forms.ExploitationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update_exploitation(acting=acting, case=case, **form.cleaned_data)
        except ValidationError as error:
            errors_into(form, error)
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
def case_assign(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    """Who works on the case: a page of its own, so the case page does not list the organisation's staff."""
    case = selectors.case_get_for(acting=acting, case_id=case_id)
    case_workers = selectors.case_workers_of(case.organisation_id)
    if request.method == "POST":
        # Only the organisation's case workers can be chosen; any other id is refused here and by the service.
        wanted = {int(v) for v in request.POST.getlist("assigned_to") if v.isdigit()}
        users = list(case_workers.filter(pk__in=wanted))
        if len(users) != len(wanted):
            messages.error(request, _("Only case workers of this organisation can be assigned."))
            return redirect("cases:assign", case_id=case.pk)
        try:
            services.case_assign(acting=acting, case=case, users=users)
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
def case_note(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(acting=acting, case_id=case_id)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the note first."))
        return redirect("cases:detail", case_id=case.pk)
    try:
        services.case_note_add(acting=acting, case=case, text=form.cleaned_data["text"])
    except ValidationError as error:
        errors_into(form, error)  # the case page again, with the note as it was written
        return render(request, "cases/case_detail.html", _case_context(acting, case, note_form=form), status=400)
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
def _case_attachment_add(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(acting=acting, case_id=case_id)
    form = forms.AttachmentForm(request.POST, request.FILES, max_mb=settings.PALERMO_CASE_ATTACHMENT_MAX_MB)
    if form.is_valid():
        try:
            services.case_attachment_add(
                acting=acting,
                case=case,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            errors_into(form, error)
        else:
            messages.success(request, _("The file is added."))
            return redirect(f"{reverse('cases:detail', args=[case.pk])}#attachments-h")
    context = _case_context(acting, case, attachment_form=form)
    return render(request, "cases/case_detail.html", context, status=400)


@page()
def case_attachment_download(
    request: HttpRequest, acting: ActingUser, case_id: int, attachment_id: int
) -> HttpResponse:
    """A file only as a download (never rendered in the page), and every download audited."""
    attachment = selectors.case_attachment_get_for(acting=acting, case_id=case_id, attachment_id=attachment_id)
    return attachment_response(attachment.content, content_type=attachment.content_type, filename=attachment.filename)


@require_POST
@page(Capability.CASE_MANAGE)
def case_attachment_remove(request: HttpRequest, acting: ActingUser, case_id: int, attachment_id: int) -> HttpResponse:
    attachment = selectors.case_attachment_get_for(
        acting=acting, case_id=case_id, attachment_id=attachment_id, to_remove=True
    )
    services.case_attachment_remove(acting=acting, attachment=attachment)
    messages.success(request, _("The file is removed."))
    return redirect(f"{reverse('cases:detail', args=[case_id])}#attachments-h")


@sensitive_post_parameters()
@page(Capability.CASE_MANAGE)
def case_close(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(acting=acting, case_id=case_id)
    form = forms.CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(acting=acting, case=case, **form.cleaned_data)
        except ValidationError as error:
            errors_into(form, error)
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
def case_reopen(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(acting=acting, case_id=case_id)
    form = forms.ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reopen(acting=acting, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            errors_into(form, error)
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
def case_htcds(request: HttpRequest, acting: ActingUser, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(acting=acting, case_id=case_id)
    audit_record(acting=acting, action="case.export", target=case, detail={"format": "htcds"})
    response = JsonResponse(case_to_htcds(case), json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-htcds.json"'
    return response
