"""The "my work" page: what is due for the acting user, and their own tasks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.audit.services import audit_record
from palermo.cases.models import Case
from palermo.cases.selectors import case_get_for, case_queryset_for
from palermo.permissions import ActingUser, Capability
from palermo.web.decorators import page
from palermo.worklist import selectors, services
from palermo.worklist.forms import TaskForm
from palermo.worklist.labels import kind_label


def _case_by_reference(acting: ActingUser, reference: str) -> Case | None:
    """The acting user's case with that reference (opened through the scoped, audited read), or None."""
    case_id = case_queryset_for(acting).filter(reference=reference.strip().upper()).values_list("pk", flat=True).first()
    return case_get_for(acting=acting, case_id=case_id) if case_id else None


def _render(request: HttpRequest, acting: ActingUser, form: TaskForm | None = None) -> HttpResponse:
    groups = selectors.work_groups_for(acting)
    tasks = {
        f"#{selectors.task_anchor(t.pk)}": t for t in selectors.task_queryset_for(acting).filter(done_at__isnull=True)
    }
    rows: dict[str, list[dict[str, Any]]] = {}
    for group in groups:
        rows[group.key] = [
            {
                "item": item,
                "kind": kind_label(item.kind),
                "task": tasks.get(item.url[item.url.find("#") :]) if item.kind == "task" else None,
            }
            for item in group.items
        ]
    count = sum(len(g.items) for g in groups)
    audit_record(acting=acting, action="worklist.view", detail={"items": count})
    done = selectors.task_queryset_for(acting).filter(done_at__isnull=False).order_by("-done_at")[:10]
    context = {
        "groups": [(g.key, rows[g.key]) for g in groups],
        "count": count,
        "form": form or TaskForm(prefix="task"),
        "done_tasks": list(done),
    }
    return render(request, "worklist/my_work.html", context, status=400 if form is not None else 200)


@page(Capability.WORK_VIEW)
def my_work(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    return _render(request, acting)


@require_POST
@page(Capability.WORK_VIEW)
def task_add(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    form = TaskForm(request.POST, prefix="task")
    if form.is_valid():
        data = form.cleaned_data
        case = _case_by_reference(acting, data["case_reference"]) if data["case_reference"] else None
        if data["case_reference"] and case is None:
            form.add_error("case_reference", _("None of the cases you may open has this reference."))
            return _render(request, acting, form)
        try:
            services.task_add(acting=acting, title=data["title"], due_on=data["due_on"], case=case)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The task is on your list."))
            return redirect("worklist:my_work")
    return _render(request, acting, form)


@require_POST
@page(Capability.WORK_VIEW)
def task_done(request: HttpRequest, acting: ActingUser, task_id: int) -> HttpResponse:
    task = selectors.task_get_for(acting=acting, task_id=task_id)
    done = request.POST.get("done", "1") != "0"
    services.task_set_done(acting=acting, task=task, done=done)
    messages.success(request, _("Ticked off.") if done else _("The task is open again."))
    return redirect("worklist:my_work")
