"""Screening pages: a guided, phone-friendly walk through one topic at a time, then the explained result."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from palermo.identification import selectors, services
from palermo.identification.forms import (
    PALERMO_LABELS,
    AttachPersonForm,
    DecisionForm,
    PalermoElementsForm,
    ScreeningStartForm,
    ScreeningTopicForm,
)
from palermo.identification.models import DecisionResult, DecisionStage, Screening
from palermo.identification.rules import is_child
from palermo.people.selectors import person_get_for, person_list_audited, person_queryset_for
from palermo.permissions import ActingUser, Capability, can
from palermo.web.decorators import page

NEXT_STEPS = {
    "indicated": gettext_lazy(
        "Refer the person now for a reasonable-grounds decision. Check first that they are safe where they "
        "are, and tell them what happens next and what help they can get."
    ),
    "possible": gettext_lazy(
        "Talk the situation over with a case worker or a specialised organisation, ask again about the "
        "answers you did not know, and consider a referral."
    ),
    "insufficient": gettext_lazy(
        "Too few questions were answered to tell whether there are signs of trafficking. Ask the topics you "
        "could not ask when it is safe to, then screen again. If you are worried now, talk it over with a "
        "case worker or refer the person."
    ),
    "not_indicated": gettext_lazy(
        "These answers do not call for a referral. If you are still worried, write down why and screen "
        "again when you learn more."
    ),
}


@page()
def screening_list(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    screenings = Paginator(selectors.screening_list_for(acting=acting), 25).get_page(request.GET.get("page"))
    selectors.screening_list_audited(acting=acting, screenings=list(screenings.object_list))
    return render(
        request,
        "identification/screening_list.html",
        {"page_obj": screenings, "can_screen": can(acting, Capability.SCREENING_CONDUCT)},
    )


@sensitive_post_parameters()
@page(Capability.SCREENING_CONDUCT)
def screening_start(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    catalogues = selectors.catalogue_list()
    form = ScreeningStartForm(request.POST or None, catalogues=catalogues)
    if request.method == "POST" and form.is_valid():
        screening = services.screening_start(
            acting=acting,
            catalogue_id=form.cleaned_data["catalogue"],
            reference=form.cleaned_data["reference"],
            age=form.cleaned_data["age"],
        )
        return redirect("identification:topic", screening_id=screening.pk, step=1)
    return render(
        request,
        "identification/screening_start.html",
        {"form": form, "catalogues": catalogues},
        status=400 if form.errors else 200,
    )


def _open_screening(acting: ActingUser, screening_id: int) -> Screening:
    return selectors.screening_get_for(acting=acting, screening_id=screening_id)


@sensitive_post_parameters()
@page(Capability.SCREENING_CONDUCT)
def screening_topic(request: HttpRequest, acting: ActingUser, screening_id: int, step: int) -> HttpResponse:
    screening = _open_screening(acting, screening_id)
    if screening.is_complete:
        return redirect("identification:detail", screening_id=screening.pk)
    catalogue = selectors.screening_catalogue(screening)
    total = len(catalogue.dimensions)
    if not 1 <= step <= total:
        raise Http404
    dimension = catalogue.dimensions[step - 1]
    responses = screening.responses
    form = ScreeningTopicForm(
        request.POST or None,
        dimension=dimension,
        initial_answers=responses.get("answers", {}),
        initial_notes=responses.get("notes", {}),
    )
    if request.method == "POST" and form.is_valid():
        services.screening_answer(
            acting=acting,
            screening=screening,
            dimension_id=dimension.id,
            answers=form.answers(),
            notes=form.notes(),
            advance="pause" not in request.POST and "back" not in request.POST,
        )
        if "pause" in request.POST:
            messages.success(request, _("Saved. You can go on with this screening later from the list."))
            return redirect("identification:list")
        if "back" in request.POST and step > 1:
            return redirect("identification:topic", screening_id=screening.pk, step=step - 1)
        if step == total:
            return redirect("identification:elements", screening_id=screening.pk)
        return redirect("identification:topic", screening_id=screening.pk, step=step + 1)
    context = {
        "screening": screening,
        "catalogue": catalogue,
        "dimension": dimension,
        "form": form,
        "step": step,
        "total": total + 1,
    }
    return render(request, "identification/screening_topic.html", context, status=400 if form.errors else 200)


@page(Capability.SCREENING_CONDUCT)
def screening_elements(request: HttpRequest, acting: ActingUser, screening_id: int) -> HttpResponse:
    screening = _open_screening(acting, screening_id)
    if screening.is_complete:
        return redirect("identification:detail", screening_id=screening.pk)
    catalogue = selectors.screening_catalogue(screening)
    form = PalermoElementsForm(request.POST or None, initial=screening.responses.get("palermo", {}))
    if request.method == "POST" and form.is_valid():
        if "back" in request.POST:
            return redirect("identification:topic", screening_id=screening.pk, step=len(catalogue.dimensions))
        services.screening_complete(
            acting=acting, screening=screening, palermo={k: v for k, v in form.cleaned_data.items() if v}
        )
        return redirect("identification:detail", screening_id=screening.pk)
    total = len(catalogue.dimensions) + 1
    child = is_child(age=screening.responses.get("age"))
    context = {"screening": screening, "form": form, "step": total, "total": total, "child": child}
    return render(request, "identification/screening_elements.html", context)


@page()
def screening_detail(request: HttpRequest, acting: ActingUser, screening_id: int) -> HttpResponse:
    screening = _open_screening(acting, screening_id)
    catalogue = selectors.screening_catalogue(screening)
    if not screening.is_complete:
        return render(request, "identification/screening_resume.html", {"screening": screening, "catalogue": catalogue})
    result = selectors.screening_evaluation(screening).as_dict()
    notes = screening.responses.get("notes", {})
    dimensions = [
        {
            "title": d.title.get(),
            "result": result["dimensions"][d.id],
            "signs": [
                (i.text.get(), i.strength, notes.get(i.id, ""))
                for i in d.indicators
                if i.id in result["dimensions"][d.id]["indicators"]
            ],
            "bar": min(100, 25 * len(result["dimensions"][d.id]["indicators"])),
        }
        for d in catalogue.dimensions
    ]
    unknown = [catalogue.indicators[i].text.get() for i in result.get("unknown", [])]
    palermo = screening.responses.get("palermo", {})
    elements = [
        (PALERMO_LABELS[k], [PALERMO_LABELS[v] for v in palermo.get(k, [])]) for k in ("act", "means", "purpose")
    ]
    people = None
    if can(acting, Capability.SCREENING_CONDUCT) and screening.person_id is None:
        # The names in the "attach" list are a read of those people's records: audited like any list.
        people = person_list_audited(acting=acting, people=list(person_queryset_for(acting)[:200]))
    context = {
        "screening": screening,
        "catalogue": catalogue,
        "result": result,
        "dimensions": dimensions,
        "unknown": unknown,
        "elements": elements,
        "next_step": NEXT_STEPS[screening.outcome],
        "age": screening.responses.get("age"),
        "can_act": can(acting, Capability.SCREENING_CONDUCT),
        "status": selectors.identification_status(screening) if screening.submitted_for_decision_at else None,
        "nobody_decides": not selectors.decision_makers_exist(organisation_id=screening.organisation_id),
        "people": people,
    }
    return render(request, "identification/screening_detail.html", context)


@require_POST
@page(Capability.SCREENING_CONDUCT)
def screening_submit_for_decision(request: HttpRequest, acting: ActingUser, screening_id: int) -> HttpResponse:
    screening = _open_screening(acting, screening_id)
    try:
        services.screening_submit_for_decision(acting=acting, screening=screening)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if selectors.decision_makers_exist(organisation_id=screening.organisation_id):
            messages.success(request, _("Referred for an identification decision."))
    return redirect("identification:detail", screening_id=screening.pk)


@require_POST
@page(Capability.SCREENING_CONDUCT)
def screening_attach(request: HttpRequest, acting: ActingUser, screening_id: int) -> HttpResponse:
    screening = _open_screening(acting, screening_id)
    form = AttachPersonForm(request.POST)
    if form.is_valid():  # person_get_for answers 404 for anyone out of the acting user's scope
        person = person_get_for(acting=acting, person_id=form.cleaned_data["person"])
        services.screening_attach_person(acting=acting, screening=screening, person=person)
        messages.success(request, _("The screening is now part of this person's record."))
    else:
        messages.error(request, _("Choose one of the people you can see."))
    return redirect("identification:detail", screening_id=screening.pk)


@sensitive_post_parameters()
@page()
def screening_decisions(request: HttpRequest, acting: ActingUser, screening_id: int) -> HttpResponse:
    """The identification of one referred screening: deadlines, the decisions so far, and the forms."""
    screening = _open_screening(acting, screening_id)
    may_decide = can(acting, Capability.DECISION_RECORD)
    forms = {
        stage: DecisionForm(request.POST if request.POST.get("stage") == stage else None, stage=stage, prefix=stage)
        for stage in (DecisionStage.REASONABLE_GROUNDS, DecisionStage.CONCLUSIVE)
    }
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied(Capability.DECISION_RECORD.value)
        stage = request.POST.get("stage", "")
        form = forms.get(stage)  # type: ignore[call-overload]
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.decision_record(acting=acting, screening=screening, stage=stage, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("identification:decisions", screening_id=screening.pk)
    status = selectors.identification_status(screening)
    context = {
        "screening": screening,
        "status": status,
        "history": selectors.decision_history(screening=screening),
        "grounds_form": forms[DecisionStage.REASONABLE_GROUNDS],
        "conclusive_form": forms[DecisionStage.CONCLUSIVE],
        "may_decide": may_decide,
        "can_conclude": status.grounds is not None and status.grounds.result == DecisionResult.POSITIVE,
    }
    failed = any(f.errors for f in forms.values())
    return render(request, "identification/decisions.html", context, status=400 if failed else 200)
