from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from palermo.people import choices
from palermo.people.models import Sex
from palermo.people.services import MAX_AGE


@functools.lru_cache(maxsize=64)
def _options_html(choices: tuple[tuple[str, str], ...]) -> str:
    return "".join(format_html('<option value="{}">{}</option>', code, label) for code, label in choices)


class _FastOptions(forms.Select):
    """A select of a long, fixed list (249 countries), rendered in Python.

    Django renders each option through a template: for 249 countries that was most of the
    time of the search page. Same HTML, a fraction of the cost.
    """

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v not in (None, "")}
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        if self.allow_multiple_selected:
            final["multiple"] = True
        options = _options_html(tuple((str(code), str(label)) for code, label in self.choices))
        for code in chosen:
            option = format_html('value="{}">', code)
            options = options.replace(option, option[:-1] + " selected>", 1)
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))  # each option escaped above


class ListSelect(_FastOptions, forms.SelectMultiple):
    """Several of a long list (citizenships, languages)."""


class ListSelectOne(_FastOptions):
    """One of a long list."""


YES_NO_UNKNOWN = [("", _("Not known")), ("yes", _("Yes")), ("no", _("No"))]


class MultiLineField(forms.CharField):
    """Several values, one per line (aliases): the simplest multi-value input on a phone."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value


def _past_date(value: Any) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date of birth cannot be in the future."))


class PersonForm(forms.Form):
    """Everything is optional: people may refuse to give their name and still be helped."""

    given_names = forms.CharField(label=_("Given names"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    aliases = MultiLineField(
        label=_("Other names and aliases"),
        required=False,
        max_length=2000,
        help_text=_("One per line: nicknames, earlier names, names on documents."),
    )
    name_original_script = forms.CharField(
        label=_("Name in its original script"),
        max_length=400,
        required=False,
        help_text=_("For example Олена Петренко or محمد علي, as the person writes it."),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        help_text=_("Leave empty if unknown."),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[_past_date],
    )
    estimated_age = forms.IntegerField(
        label=_("Estimated age"),
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        help_text=_("In years, when the date of birth is not known."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    gender_identity = forms.CharField(label=_("Gender, as the person describes it"), max_length=200, required=False)
    citizenships = forms.MultipleChoiceField(
        label=_("Citizenships"),
        choices=choices.COUNTRIES,
        required=False,
        help_text=_("Choose all that apply (hold Ctrl or ⌘ to choose several)."),
        widget=ListSelect(attrs={"size": 6}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=choices.LANGUAGES,
        required=False,
        help_text=_("Languages the person speaks, best first."),
        widget=ListSelect(attrs={"size": 6}),
    )
    interpreter_needed = forms.TypedChoiceField(
        label=_("Interpreter needed"),
        choices=YES_NO_UNKNOWN,
        required=False,
        coerce=lambda value: value == "yes",
        empty_value=None,
    )
    safe_contact = forms.CharField(
        label=_("Safe way to contact"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("How and when the person can be reached without putting them at risk."),
    )
    residence_status = forms.CharField(label=_("Residence status"), max_length=400, required=False)
    dependants = forms.CharField(
        label=_("Dependants"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


def interpreter_initial(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "")  # type: ignore[arg-type]


class PersonSearchForm(forms.Form):
    query = forms.CharField(
        label=_("Name"),
        max_length=400,
        required=False,
        help_text=_("Any part of the name, in any script; spelling mistakes are tolerated."),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    citizenship = forms.ChoiceField(
        label=_("Citizenship"), choices=[("", "—"), *choices.COUNTRIES], required=False, widget=ListSelectOne
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in ("query", "date_of_birth", "citizenship")):
            raise forms.ValidationError(_("Type a name, or give a date of birth or a citizenship."))
        return data
