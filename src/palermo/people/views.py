"""Pages for the people an organisation records."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from palermo.people import choices, selectors, services
from palermo.people.forms import PersonForm, PersonSearchForm, interpreter_initial
from palermo.people.models import Person
from palermo.people.search import LIMIT
from palermo.people.services import PERSONAL_FIELDS
from palermo.permissions import ActingUser, Capability, can
from palermo.web.decorators import page

# Ticked by the user who has seen the likely duplicates and says this is someone else.
CONFIRM_FIELD = "confirm_different"


@sensitive_post_parameters()
@page()
def person_list(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    """The organisation's people, newest first; a POST searches them.

    The search is a POST so that no name ends up in a URL, the browser history or an access log.
    """
    can_create = can(acting, Capability.PERSON_CREATE)
    if request.method == "POST":
        data = request.POST.copy()
        if "query" not in data and "name" in data:  # the field's name before the tolerant search
            data["query"] = request.POST.get("name", "")
        search = PersonSearchForm(data)
        found: list[Person] | None = None
        if search.is_valid():
            found = selectors.person_search(acting=acting, **search.cleaned_data)
        return render(
            request,
            "people/person_list.html",
            {
                "search": search,
                "found": found,
                "page_obj": Paginator(found or [], LIMIT).get_page(1),
                "can_create": can_create,
            },
            status=200 if search.is_valid() else 400,
        )
    people_page = Paginator(selectors.person_list_for(acting=acting), 25).get_page(request.GET.get("page"))
    selectors.person_list_audited(acting=acting, people=list(people_page.object_list))
    return render(
        request,
        "people/person_list.html",
        {"page_obj": people_page, "search": PersonSearchForm(), "can_create": can_create},
    )


def _duplicates(acting: ActingUser, data: dict[str, Any], exclude: Person | None = None) -> list[dict[str, Any]]:
    people = selectors.person_possible_duplicates(
        acting=acting,
        given_names=data.get("given_names") or "",
        family_name=data.get("family_name") or "",
        aliases=data.get("aliases") or [],
        name_original_script=data.get("name_original_script") or "",
        date_of_birth=data.get("date_of_birth"),
        exclude=exclude,
    )
    # Someone outside the acting user's own scope (a first responder's colleague's record) shows by reference only.
    return [{"person": p, "visible": selectors.person_visible_to(acting, p)} for p in people]


@sensitive_post_parameters()
@page(Capability.PERSON_CREATE)
def person_create(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    """Recording starts with a search: likely duplicates are shown before anything is saved."""
    form = PersonForm(request.POST or None)
    duplicates: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        if not request.POST.get(CONFIRM_FIELD):
            duplicates = _duplicates(acting, form.cleaned_data)
        if not duplicates:
            person = services.person_create(acting=acting, **form.cleaned_data)
            messages.success(
                request, _("The person is recorded with reference %(reference)s.") % {"reference": person.reference}
            )
            return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "duplicates": duplicates, "confirm_field": CONFIRM_FIELD},
        status=400 if form.errors else 200,
    )


@page()
def person_detail(request: HttpRequest, acting: ActingUser, person_id: int) -> HttpResponse:
    person = selectors.person_get_for(acting=acting, person_id=person_id)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "age": services.person_age(person),
            "citizenship_names": [choices.COUNTRY_NAMES.get(c, c) for c in person.citizenships or []],
            "can_change": can(acting, Capability.PERSON_CHANGE),
        },
    )


@sensitive_post_parameters()
@page(Capability.PERSON_CHANGE)
def person_edit(request: HttpRequest, acting: ActingUser, person_id: int) -> HttpResponse:
    person = selectors.person_get_for(acting=acting, person_id=person_id)
    initial = {name: getattr(person, name) for name in PERSONAL_FIELDS}
    initial["interpreter_needed"] = interpreter_initial(person.interpreter_needed)
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.person_update(acting=acting, person=person, **form.cleaned_data)
        messages.success(request, _("The changes are saved."))
        return redirect("people:detail", person_id=person.pk)
    return render(
        request, "people/person_form.html", {"form": form, "person": person}, status=400 if form.errors else 200
    )
