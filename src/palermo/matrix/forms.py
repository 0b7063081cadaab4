from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.directory.models import DirectoryEntry
from palermo.matrix.models import Responsible
from palermo.organisations.models import Organisation


class MatrixForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.CharField(
        label=_("Participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The groups or bodies taking part, one per line."),
    )
    description = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        help_text=_("Their coordinators see the matrix and add actions too."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, owner: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Organisation.objects.filter(is_active=True).exclude(pk=owner.pk)  # type: ignore[attr-defined]


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    responsible = forms.MultipleChoiceField(
        label=_("Who is best placed"), choices=Responsible.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    actors = forms.TypedMultipleChoiceField(
        label=_("Named organisations from the directory"), coerce=int, choices=(), required=False
    )
    group = forms.CharField(label=_("Your group"), max_length=100, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, actor_choices: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A cell page shows one form per action: the directory is read once and shared between them.
        if actor_choices is None:
            actor_choices = directory_choices()
        self.fields["actors"].choices = actor_choices  # type: ignore[attr-defined]


def directory_choices() -> list[tuple[int, str]]:
    return list(DirectoryEntry.objects.order_by("name").values_list("pk", "name"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Filled template (.xlsx)"))
