"""Forms of the consent pages; choices are built per request so labels follow the active language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.common.catalogue import service_choices, service_label
from palermo.consent.models import ConsentPurpose, ConsentStatus, InformedHow
from palermo.consent.shareable import shareable_choices
from palermo.organisations.models import Organisation

CHECKBOXES = forms.CheckboxSelectMultiple


def recipient_field(recipients: list[tuple[Organisation, list[str]]], required: bool) -> forms.ChoiceField:
    def describe(organisation: Organisation, offered: list[str]) -> str:
        if not offered:
            return organisation.name
        return f"{organisation.name} — {', '.join(service_label(code) for code in offered)}"

    return forms.TypedChoiceField(
        label=_("Organisation"),
        choices=[("", "—")] + [(str(o.pk), describe(o, offered)) for o, offered in recipients],
        coerce=int,
        required=required,
        empty_value=None,
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices, widget=forms.RadioSelect)
    status = forms.ChoiceField(
        label=_("The person's answer"),
        choices=[(ConsentStatus.GIVEN, _("Gave consent")), (ConsentStatus.REFUSED, _("Refused"))],
        widget=forms.RadioSelect,
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("Information that may be shared"),
        widget=CHECKBOXES,
        required=False,
        help_text=_("For a referral: only what the person agreed the other organisation may see."),
    )
    services = forms.MultipleChoiceField(label=_("Services"), widget=CHECKBOXES, required=False)
    informed_language = forms.CharField(label=_("Language the person was informed in"), max_length=16)
    informed_how = forms.ChoiceField(label=_("Informed"), choices=InformedHow.choices, widget=forms.RadioSelect)
    interpreter = forms.BooleanField(label=_("Through an interpreter"), required=False)
    guardian = forms.CharField(
        label=_("Guardian or representative"),
        required=False,
        max_length=300,
        help_text=_("For a child: who decided on the child's behalf."),
    )
    best_interests_note = forms.CharField(
        label=_("Best-interests note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, recipients: list[tuple[Organisation, list[str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = recipient_field(recipients, required=False)
        self.fields["organisation"].help_text = _("For a referral or law enforcement: who may receive the information.")
        self.order_fields(["purpose", "organisation", "status", "shared_fields", "services"])
        self.fields["shared_fields"].choices = shareable_choices()  # type: ignore[attr-defined]
        self.fields["services"].choices = service_choices()  # type: ignore[attr-defined]


class LegalBasisForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices, widget=forms.RadioSelect)
    shared_fields = forms.MultipleChoiceField(
        label=_("Information that may be shared"), widget=CHECKBOXES, required=False
    )
    provision = forms.CharField(label=_("Legal provision"), max_length=300)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, recipients: list[tuple[Organisation, list[str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = recipient_field(recipients, required=False)
        self.order_fields(["purpose", "organisation", "shared_fields", "provision", "note"])
        self.fields["shared_fields"].choices = shareable_choices()  # type: ignore[attr-defined]
