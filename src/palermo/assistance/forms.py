"""Forms of the assistance panel; each one maps onto one service."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from palermo.assistance.models import (
    STANDARD_FACTORS,
    FactorRating,
    PlanStatus,
    ReviewEvent,
    RiskFactorKind,
    RiskLevel,
    ServiceVariant,
    StageStatus,
)
from palermo.common import catalogue
from palermo.organisations.models import Membership, Organisation
from palermo.people.forms import ListSelectOne

if TYPE_CHECKING:
    from palermo.assistance.selectors import StageView
    from palermo.cases.models import Case
    from palermo.permissions import ActingUser


class DateInput(forms.DateInput):
    """`<input type="date">` rendered in Python, with the attributes of Django's template: the case page shows
    some thirty of them (three per stage form), and the per-widget templates were a large share of its time."""

    input_type = "date"

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        final = {"type": self.input_type, "name": name}
        shown = self.format_value(value)
        if shown is not None:
            final["value"] = str(shown)
        final.update(self.build_attrs(self.attrs, attrs))
        return format_html("<input{}>", flatatt(final))


def _date(label: Any, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, help_text=help_text, widget=DateInput)


def _organisations() -> Any:
    return Organisation.objects.filter(is_active=True).order_by("name")


class StageForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=StageStatus.choices, widget=ListSelectOne)
    started_on = _date(_("Started on"), help_text=_("Today if left empty when the stage starts."))
    planned_end = _date(_("Planned end"))
    completed_on = _date(_("Finished on"), help_text=_("Today if left empty when the stage is done."))
    activities = forms.MultipleChoiceField(
        label=_("Activities done"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_activities = forms.CharField(
        label=_("Other activities done"),
        required=False,
        help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    responsible_organisation = forms.ModelChoiceField(
        label=_("Responsible organisation in Palermo"),
        queryset=Organisation.objects.none(),
        required=False,
        # Rendered in Python: eight stage forms with a select of every organisation each were most of the case page.
        widget=ListSelectOne,
    )
    responsible_name = forms.CharField(
        label=_("Or a responsible actor outside Palermo"), max_length=200, required=False
    )
    responsible_user = forms.TypedChoiceField(
        label=_("Responsible person"), coerce=int, required=False, empty_value=None, widget=ListSelectOne
    )

    def __init__(self, *args: Any, stage: StageView, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stage = stage
        choices = [(a.key, a.label) for a in stage.activities]
        self.fields["activities"].choices = choices  # type: ignore[attr-defined]
        self.fields["responsible_organisation"].queryset = _organisations()  # type: ignore[attr-defined]
        self.fields["responsible_user"].choices = [("", "—"), *members]  # type: ignore[attr-defined]

    def activity_list(self) -> list[str]:
        free = [line.strip() for line in self.cleaned_data["other_activities"].splitlines() if line.strip()]
        return [*self.cleaned_data["activities"], *free]


class PlanItemForm(forms.Form):
    service = forms.ChoiceField(label=_("Type of assistance"), choices=())
    variant = forms.ChoiceField(label=_("Where"), choices=ServiceVariant.choices, initial=ServiceVariant.DESTINATION)
    provider_organisation = forms.ModelChoiceField(
        label=_("Provider in Palermo"), queryset=Organisation.objects.none(), required=False, widget=ListSelectOne
    )
    provider_name = forms.CharField(label=_("Or a provider outside Palermo"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=PlanStatus.choices, initial=PlanStatus.PLANNED)
    starts_on = _date(_("Start"))
    ends_on = _date(_("Planned end"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = catalogue.service_choices()  # type: ignore[attr-defined]
        self.fields["provider_organisation"].queryset = _organisations()  # type: ignore[attr-defined]


class PlanItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanStatus.choices)


FACTOR_RATINGS = [("", _("Not assessed")), *FactorRating.choices]


class RiskAssessmentForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Overall risk level"),
        choices=RiskLevel.choices,
        widget=forms.RadioSelect,
        help_text=_("Your judgement, after talking with the person and the other organisations involved."),
    )
    assessed_on = _date(_("Assessed on"), help_text=_("Today if left empty."))
    review_on = _date(_("Review by"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(RiskFactorKind.choices)
        for kind in STANDARD_FACTORS:
            self.fields[f"{kind}_rating"] = forms.ChoiceField(
                label=labels[kind], choices=FACTOR_RATINGS, required=False
            )
            self.fields[f"{kind}_note"] = forms.CharField(
                label=_("Note on: %(factor)s") % {"factor": labels[kind]},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["other_label"] = forms.CharField(label=_("Another risk"), max_length=200, required=False)
        self.fields["other_rating"] = forms.ChoiceField(
            label=_("Rating of the other risk"), choices=FACTOR_RATINGS, required=False
        )
        self.fields["other_note"] = forms.CharField(
            label=_("Note on the other risk"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("other_label") and not data.get("other_rating"):
            self.add_error("other_rating", _("Rate the risk you added."))
        if data.get("other_rating") and not data.get("other_label"):
            self.add_error("other_label", _("Name the risk you rated."))
        return data

    def factors(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        factors = [
            {"kind": str(kind), "rating": data[f"{kind}_rating"], "note": data[f"{kind}_note"]}
            for kind in STANDARD_FACTORS
            if data.get(f"{kind}_rating")
        ]
        if data.get("other_label"):
            factors.append(
                {
                    "kind": "other",
                    "label": data["other_label"],
                    "rating": data["other_rating"],
                    "note": data["other_note"],
                }
            )
        return factors

    def factor_fields(self) -> list[tuple[Any, Any]]:
        """(rating, note) bound fields, for the template to lay out side by side."""
        names = [*(str(k) for k in STANDARD_FACTORS)]
        return [(self[f"{name}_rating"], self[f"{name}_note"]) for name in names]


class RiskReviewForm(forms.Form):
    event = forms.ChoiceField(label=_("Event"), choices=ReviewEvent.choices)
    due_on = _date(_("Review due by"), required=True)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecoveryStartForm(forms.Form):
    started_on = _date(_("Start of the recovery and reflection period"), required=True)


class ReturnConsentForm(forms.Form):
    given_on = _date(_("Written consent given on"), required=True)
    language = forms.CharField(
        label=_("Language the person was informed in"), max_length=16, help_text=_("A language code, e.g. uk, ro, en.")
    )


class ReturnConfirmationForm(forms.Form):
    confirmed_on = _date(_("Confirmed on"), required=True)
    organisation = forms.ModelChoiceField(
        label=_("Receiving provider in Palermo"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=ListSelectOne,
    )
    provider_name = forms.CharField(label=_("Or a receiving provider outside Palermo"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()  # type: ignore[attr-defined]


def case_members(case: Case) -> list[tuple[int, str]]:
    """People of the organisation holding the case who can be responsible for a stage (staff, not victims)."""
    rows = (
        Membership.objects.filter(organisation_id=case.organisation_id, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    seen: dict[int, str] = {}
    for membership in rows:
        seen.setdefault(membership.user_id, membership.user.full_name or membership.user.email)
    return list(seen.items())


def stage_initial(stage: StageView) -> dict[str, Any]:
    return {
        "status": stage.status,
        "started_on": stage.started_on,
        "planned_end": stage.planned_end,
        "completed_on": stage.completed_on,
        "activities": [a.key for a in stage.activities if a.done],
        "other_activities": "\n".join(stage.free_activities),
        "responsible_organisation": stage.responsible_organisation_id,
        "responsible_name": stage.responsible_name,
        "responsible_user": stage.responsible_user_id,
    }


def panel_forms(*, acting: ActingUser, case: Case, pathway: list[StageView]) -> dict[str, Any]:
    members = case_members(case)
    today = timezone.localdate()
    return {
        "stages": {
            s.code: StageForm(stage=s, members=members, initial=stage_initial(s), prefix=f"stage-{s.code}")
            for s in pathway
        },
        "plan": PlanItemForm(prefix="plan"),
        "risk": RiskAssessmentForm(prefix="risk", initial={"assessed_on": today}),
        "review": RiskReviewForm(prefix="review"),
        "recovery": RecoveryStartForm(prefix="recovery"),
        "return_consent": ReturnConsentForm(prefix="consent"),
        "return_confirmation": ReturnConfirmationForm(prefix="confirmation"),
    }
