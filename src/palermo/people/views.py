"""Pages for the people an organisation records."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from palermo.people import selectors, services
from palermo.people.forms import PersonForm, PersonSearchForm
from palermo.permissions import Actor, Capability, can
from palermo.web.decorators import page


@sensitive_post_parameters()
@page()
def person_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    # The name search is a POST, so that no name ends up in a URL, the browser history or an access log.
    search = PersonSearchForm(request.POST or None)
    name = search.cleaned_data["name"] if request.method == "POST" and search.is_valid() else ""
    people = (
        selectors.person_find_by_name(actor=actor, full_name=name) if name else selectors.person_list_for(actor=actor)
    )
    people_page = Paginator(people, 25).get_page(request.GET.get("page"))
    selectors.person_list_audited(actor=actor, people=list(people_page.object_list))
    return render(
        request,
        "people/person_list.html",
        {"page_obj": people_page, "search": search, "name": name, "can_create": can(actor, Capability.PERSON_CREATE)},
    )


@sensitive_post_parameters()
@page(Capability.PERSON_CREATE)
def person_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.person_create(actor=actor, **form.cleaned_data)
        messages.success(request, _("The person is recorded."))
        return redirect("people:detail", person_id=person.pk)
    return render(request, "people/person_form.html", {"form": form}, status=400 if form.errors else 200)


@page()
def person_detail(request: HttpRequest, actor: Actor, person_id: int) -> HttpResponse:
    person = selectors.person_get_for(actor=actor, person_id=person_id)
    return render(
        request, "people/person_detail.html", {"person": person, "can_change": can(actor, Capability.PERSON_CHANGE)}
    )


@sensitive_post_parameters()
@page(Capability.PERSON_CHANGE)
def person_edit(request: HttpRequest, actor: Actor, person_id: int) -> HttpResponse:
    person = selectors.person_get_for(actor=actor, person_id=person_id)
    initial = {
        "given_names": person.given_names,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth,
    }
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.person_update(actor=actor, person=person, **form.cleaned_data)
        messages.success(request, _("The changes are saved."))
        return redirect("people:detail", person_id=person.pk)
    return render(
        request, "people/person_form.html", {"form": form, "person": person}, status=400 if form.errors else 200
    )
