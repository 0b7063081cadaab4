from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.identification.catalogues import Catalogue, Dimension
from palermo.identification.models import RESULTS_BY_STAGE
from palermo.identification.rules import MAX_AGE, PALERMO_ELEMENTS

ANSWER_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Don't know"))]

PALERMO_LABELS = {
    "act": _("Act: what was done"),
    "means": _("Means: how it was done"),
    "purpose": _("Purpose: why it was done"),
    "recruitment": _("Recruitment"),
    "transport": _("Transport"),
    "transfer": _("Transfer"),
    "harbouring": _("Harbouring"),
    "receipt": _("Receipt"),
    "threat_or_force": _("Threat or use of force"),
    "coercion": _("Other coercion"),
    "abduction": _("Abduction"),
    "fraud": _("Fraud"),
    "deception": _("Deception"),
    "abuse_of_power_or_vulnerability": _("Abuse of power or of a position of vulnerability"),
    "payments_or_benefits": _("Payments or benefits to someone in control of the person"),
    "sexual_exploitation": _("Sexual exploitation"),
    "forced_labour_or_services": _("Forced labour or services"),
    "slavery_or_similar_practices": _("Slavery or practices similar to slavery"),
    "servitude": _("Servitude"),
    "removal_of_organs": _("Removal of organs"),
    "forced_begging": _("Forced begging"),
    "forced_criminality": _("Forced criminality"),
    "other": _("Other exploitation"),
}


class ScreeningStartForm(forms.Form):
    catalogue = forms.ChoiceField(label=_("Checklist"), widget=forms.RadioSelect)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        required=False,
        help_text=_("Something that lets you find this screening again, without a name: e.g. “car wash, Tuesday”."),
    )
    age = forms.IntegerField(
        label=_("Age"), min_value=0, max_value=MAX_AGE, required=False, help_text=_("In years; leave empty if unknown.")
    )

    def __init__(self, *args: Any, catalogues: list[Catalogue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalogues = catalogues
        choices = [(c.id, c.title.get()) for c in catalogues]
        self.fields["catalogue"].choices = choices  # type: ignore[attr-defined]


class ScreeningTopicForm(forms.Form):
    """One topic (dimension): a yes / no / don't know per indicator, and an optional note each."""

    def __init__(
        self,
        *args: Any,
        dimension: Dimension,
        initial_answers: dict[str, str],
        initial_notes: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.dimension = dimension
        for n, indicator in enumerate(dimension.indicators):
            self.fields[f"answer_{n}"] = forms.ChoiceField(
                label=indicator.text.get(),
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect,
                required=False,
                initial=initial_answers.get(indicator.id),
            )
            self.fields[f"note_{n}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=2000,
                initial=initial_notes.get(indicator.id),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [(i, self[f"answer_{n}"], self[f"note_{n}"]) for n, i in enumerate(self.dimension.indicators)]

    def answers(self) -> dict[str, str]:
        return {
            i.id: self.cleaned_data[f"answer_{n}"]
            for n, i in enumerate(self.dimension.indicators)
            if self.cleaned_data.get(f"answer_{n}")
        }

    def notes(self) -> dict[str, str]:
        return {
            i.id: self.cleaned_data[f"note_{n}"]
            for n, i in enumerate(self.dimension.indicators)
            if self.cleaned_data.get(f"note_{n}")
        }


class PalermoElementsForm(forms.Form):
    act = forms.MultipleChoiceField(
        label=PALERMO_LABELS["act"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(v, PALERMO_LABELS[v]) for v in PALERMO_ELEMENTS["act"]],
    )
    means = forms.MultipleChoiceField(
        label=PALERMO_LABELS["means"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(v, PALERMO_LABELS[v]) for v in PALERMO_ELEMENTS["means"]],
    )
    purpose = forms.MultipleChoiceField(
        label=PALERMO_LABELS["purpose"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(v, PALERMO_LABELS[v]) for v in PALERMO_ELEMENTS["purpose"]],
    )


class AttachPersonForm(forms.Form):
    person = forms.IntegerField(label=_("Person"), min_value=1)


class DecisionForm(forms.Form):
    result = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    decided_on = forms.DateField(label=_("Date of the decision"), widget=forms.DateInput(attrs={"type": "date"}))
    reasoning = forms.CharField(
        label=_("Reasoning"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        help_text=_("What the decision rests on, in words the person and a reviewer can follow."),
    )
    information = forms.CharField(
        label=_("Other information it rests on"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Interviews, documents, reports from other organisations."),
    )

    def __init__(self, *args: Any, stage: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stage = stage
        choices = [(r.value, r.label) for r in RESULTS_BY_STAGE[stage]]  # type: ignore[index]
        self.fields["result"].choices = choices  # type: ignore[attr-defined]
