"""The good practices library: documented interventions, filtered by the matrix's tags."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from palermo.directory.models import MatrixLevel, ResponseArea, Stage
from palermo.permissions import ActingUser, Capability
from palermo.practices import selectors
from palermo.practices.library import FORMS
from palermo.web.decorators import page


class PracticeFilterForm(forms.Form):
    area = forms.ChoiceField(
        label=_("Response area"), choices=[("", _("Any area")), *ResponseArea.choices], required=False
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", _("Any stage")), *Stage.choices], required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("Any level")), *MatrixLevel.choices], required=False)
    form = forms.ChoiceField(
        label=_("Form of exploitation"), choices=[("", _("Any form")), *FORMS.items()], required=False
    )


@page(Capability.DIRECTORY_VIEW)
def practice_list(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    form = PracticeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    practices = selectors.practice_list(acting=acting, **filters)
    return render(request, "practices/practice_list.html", {"form": form, "practices": practices})


@page(Capability.DIRECTORY_VIEW)
def practice_detail(request: HttpRequest, acting: ActingUser, slug: str) -> HttpResponse:
    practice = selectors.practice_get(acting=acting, slug=slug)
    return render(request, "practices/practice_detail.html", {"practice": practice, "tags": practice.tag_labels()})
