"""Forms of the referral pages; choices are built per request so labels follow the active language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.common.catalogue import service_choices
from palermo.consent.forms import CHECKBOXES, recipient_field
from palermo.organisations.models import Organisation


class ReferralForm(forms.Form):
    services = forms.MultipleChoiceField(label=_("Services asked for"), widget=CHECKBOXES)
    note = forms.CharField(
        label=_("Note for the organisation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The recipient sees this note and the information the consent covers, nothing else."),
    )

    def __init__(self, *args: Any, recipients: list[tuple[Organisation, list[str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"] = recipient_field(recipients, required=True)
        self.fields["to_organisation"].label = _("Refer to")
        self.order_fields(["to_organisation", "services", "note"])
        self.fields["services"].choices = service_choices()  # type: ignore[attr-defined]


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), widget=forms.Textarea(attrs={"rows": 2}))
