from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class TaskForm(forms.Form):
    title = forms.CharField(label=_("What to do"), max_length=500)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    case = forms.TypedChoiceField(
        label=_("Case"), required=False, coerce=int, empty_value=None, help_text=_("Only cases you may open.")
    )

    def __init__(self, *args: Any, cases: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [("", "—"), *cases]  # type: ignore[attr-defined]
