from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.reporting.models import Exploitation, TipPriority, TipStatus
from palermo.reporting.services import LIMITS


class TipForm(forms.Form):
    description = forms.CharField(
        label=_("What did you see or hear?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=LIMITS["description"],
        help_text=_("Describe what worried you. You do not need to give your name."),
    )
    location = forms.CharField(
        label=_("Where?"),
        required=False,
        max_length=LIMITS["location"],
        help_text=_("An address, a business, a street, a town."),
    )
    when = forms.CharField(label=_("When?"), required=False, max_length=LIMITS["when"])
    exploitation = forms.ChoiceField(
        label=_("What do you think is happening?"),
        choices=Exploitation.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    involved = forms.CharField(
        label=_("Who is involved?"),
        required=False,
        max_length=LIMITS["involved"],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("People, vehicles, businesses: only what you can share safely."),
    )
    contact = forms.CharField(
        label=_("How can we reach you?"),
        required=False,
        max_length=LIMITS["contact"],
        help_text=_("Leave empty to stay anonymous. You can always read our answers with your receipt."),
    )


class FollowUpForm(forms.Form):
    receipt = forms.CharField(label=_("Your receipt code"), max_length=100)
    message = forms.CharField(
        label=_("Add information or ask a question"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LIMITS["message"],
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Answer to the reporter"), widget=forms.Textarea(attrs={"rows": 4}), max_length=LIMITS["message"]
    )


class TriageForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TipStatus.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=TipPriority.choices)
