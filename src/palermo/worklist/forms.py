from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TaskForm(forms.Form):
    title = forms.CharField(label=_("What to do"), max_length=500)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    # A reference, not a list of every case: an organisation may hold thousands.
    case_reference = forms.CharField(
        label=_("Case reference"), required=False, max_length=32, help_text=_("For example C-2026-00042.")
    )
