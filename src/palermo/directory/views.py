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
from palermo.directory.models import DirectoryEntry
from palermo.permissions import ActingUser, Capability, can
from palermo.web.decorators import page


@page(Capability.DIRECTORY_VIEW)
def directory_list(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    entries = selectors.directory_entry_list(acting=acting, filters=form.filters())
    page_obj = Paginator(entries, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page_obj,
        "query": query.urlencode(),
        "can_add": can(acting, Capability.PLANNING_MANAGE),
    }
    return render(request, "directory/directory_list.html", context)


@page(Capability.DIRECTORY_VIEW)
def directory_detail(request: HttpRequest, acting: ActingUser, entry_id: int) -> HttpResponse:
    entry = selectors.directory_entry_get(acting=acting, entry_id=entry_id)
    context = {"entry": entry, "may_change": services.directory_entry_may_change(acting, entry)}
    return render(request, "directory/directory_detail.html", context)


def _save(
    request: HttpRequest, acting: ActingUser, form: DirectoryEntryForm, entry_id: int | None
) -> HttpResponse | int:
    """The redirect after saving, or the status to show the form again with: 400, or 403 when the
    entry would be linked to an organisation the actor may not speak for (nothing is saved)."""
    try:
        if entry_id is None:
            entry = services.directory_entry_create(acting=acting, **form.values())
        else:
            entry = services.directory_entry_update(acting=acting, entry=form.instance, **form.values())
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return 400
    except PermissionDenied as refused:
        form.add_error("linked_organisation", str(refused))
        return 403
    messages.success(request, _("The directory entry is saved."))
    return redirect("directory:detail", entry_id=entry.pk)


def _form_page(
    request: HttpRequest, acting: ActingUser, form: DirectoryEntryForm, entry: DirectoryEntry | None
) -> HttpResponse:
    status = 400 if form.errors else 200
    if request.method == "POST" and form.is_valid():
        done = _save(request, acting, form, entry.pk if entry else None)
        if isinstance(done, HttpResponse):
            return done
        status = done
    return render(request, "directory/directory_form.html", {"form": form, "entry": entry}, status=status)


@page(Capability.PLANNING_MANAGE)
def directory_create(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    return _form_page(request, acting, DirectoryEntryForm(request.POST or None), None)


@page(Capability.PLANNING_MANAGE)
def directory_update(request: HttpRequest, acting: ActingUser, entry_id: int) -> HttpResponse:
    entry = selectors.directory_entry_get(acting=acting, entry_id=entry_id)
    if not services.directory_entry_may_change(acting, entry):
        raise PermissionDenied("directory.maintain")
    return _form_page(request, acting, DirectoryEntryForm(request.POST or None, instance=entry), entry)
