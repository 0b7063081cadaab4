from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.common.catalogue import service_choices
from palermo.directory.models import ActorType, DirectoryEntry, Level, Stage
from palermo.directory.selectors import DirectoryFilters
from palermo.organisations.models import Organisation


class DirectoryEntryForm(forms.ModelForm):
    stages = forms.MultipleChoiceField(
        label=_("Stages"), choices=Stage.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    services = forms.MultipleChoiceField(
        label=_("Services offered"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("Two-letter codes separated by commas, e.g. en, fr, ro."),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    linked_organisation = forms.ModelChoiceField(
        label=_("Organisation on Palermo"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        help_text=_("Link the entry when this organisation uses Palermo, so referrals can find it."),
    )

    class Meta:
        model = DirectoryEntry
        fields = [
            "name",
            "actor_type",
            "level",
            "country",
            "region",
            "municipality",
            "stages",
            "services",
            "languages",
            "description",
            "opening_hours",
            "always_open",
            "safe_contact",
            "website",
            "linked_organisation",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "safe_contact": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = service_choices()  # type: ignore[attr-defined]
        if self.instance.pk and not self.is_bound:
            self.initial["languages"] = ", ".join(self.instance.languages)

    def clean_languages(self) -> list[str]:
        return [code.strip().lower() for code in self.cleaned_data["languages"].split(",") if code.strip()]

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).upper()

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DirectoryFilterForm(forms.Form):
    text = forms.CharField(label=_("Search"), required=False)
    actor_type = forms.ChoiceField(label=_("Type"), choices=[("", _("Any type")), *ActorType.choices], required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("Any level")), *Level.choices], required=False)
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", _("Any stage")), *Stage.choices], required=False)
    service = forms.ChoiceField(label=_("Service"), choices=(), required=False)
    area = forms.CharField(label=_("Country, region or town"), required=False)
    always_open = forms.BooleanField(label=_("Open 24/7"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Any service")), *service_choices()]  # type: ignore[attr-defined]

    def filters(self) -> DirectoryFilters:
        if not self.is_valid():
            return DirectoryFilters()
        return DirectoryFilters(**self.cleaned_data)
