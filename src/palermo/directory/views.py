"""Directory pages: everyone who may see the directory searches it; coordinators keep it up to date."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from palermo.directory import selectors, services
from palermo.directory.forms import DirectoryEntryForm, DirectoryFilterForm
from palermo.permissions import Actor, Capability, can
from palermo.web.decorators import page


@page(Capability.DIRECTORY_VIEW)
def directory_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    entries = selectors.directory_entry_list(actor=actor, filters=form.filters())
    page_obj = Paginator(entries, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page_obj,
        "query": query.urlencode(),
        "can_add": can(actor, Capability.PLANNING_MANAGE),
    }
    return render(request, "directory/directory_list.html", context)


@page(Capability.DIRECTORY_VIEW)
def directory_detail(request: HttpRequest, actor: Actor, entry_id: int) -> HttpResponse:
    entry = selectors.directory_entry_get(actor=actor, entry_id=entry_id)
    context = {"entry": entry, "may_change": services.directory_entry_may_change(actor, entry)}
    return render(request, "directory/directory_detail.html", context)


def _save(request: HttpRequest, actor: Actor, form: DirectoryEntryForm, entry_id: int | None) -> HttpResponse | None:
    try:
        if entry_id is None:
            entry = services.directory_entry_create(actor=actor, **form.values())
        else:
            entry = services.directory_entry_update(actor=actor, entry=form.instance, **form.values())
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None
    messages.success(request, _("The directory entry is saved."))
    return redirect("directory:detail", entry_id=entry.pk)


@page(Capability.PLANNING_MANAGE)
def directory_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = DirectoryEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (done := _save(request, actor, form, None)):
        return done
    status = 400 if form.errors else 200
    return render(request, "directory/directory_form.html", {"form": form, "entry": None}, status=status)


@page(Capability.PLANNING_MANAGE)
def directory_update(request: HttpRequest, actor: Actor, entry_id: int) -> HttpResponse:
    entry = selectors.directory_entry_get(actor=actor, entry_id=entry_id)
    if not services.directory_entry_may_change(actor, entry):
        raise PermissionDenied("directory.maintain")
    form = DirectoryEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid() and (done := _save(request, actor, form, entry.pk)):
        return done
    status = 400 if form.errors else 200
    return render(request, "directory/directory_form.html", {"form": form, "entry": entry}, status=status)
