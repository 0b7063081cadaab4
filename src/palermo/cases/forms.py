"""Forms of the case pages; choices are built per request so labels follow the active language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from palermo.cases import vocabularies

CHECKBOXES = forms.CheckboxSelectMultiple


class ExploitationForm(forms.Form):
    exploitation_types = forms.MultipleChoiceField(label=_("Forms of exploitation"), widget=CHECKBOXES, required=False)
    methods_of_control = forms.MultipleChoiceField(label=_("Methods of control"), widget=CHECKBOXES, required=False)
    recruitment_country = forms.CharField(
        label=_("Country of recruitment"), max_length=2, required=False, help_text=_("Two-letter code, e.g. RO.")
    )
    recruitment_locality = forms.CharField(label=_("Place of recruitment"), max_length=200, required=False)
    exploitation_country = forms.CharField(
        label=_("Country of exploitation"), max_length=2, required=False, help_text=_("Two-letter code, e.g. AT.")
    )
    exploitation_locality = forms.CharField(label=_("Place of exploitation"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exploitation_types"].choices = vocabularies.choices("type_of_exploitation")  # type: ignore[attr-defined]
        self.fields["methods_of_control"].choices = vocabularies.choices("methods_of_control")  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("New note"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The browser stops at the limit; the service is what enforces it, with its own message.
        self.fields["text"].widget.attrs["maxlength"] = settings.PALERMO_CASE_NOTE_MAX_CHARS


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"))
    note = forms.CharField(label=_("Closure note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_on = forms.DateField(
        label=_("Follow-up date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When to check in with the person again."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "—"), *vocabularies.choices("closure_reasons")]  # type: ignore[attr-defined]


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen the case"), widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(forms.Form):
    """One file at a time; what it is gets decided by the service from its bytes, not here."""

    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,  # the service says "This file is empty." with the file's name
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp"}),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("What the file is, e.g. “Work contract”. The file name is used if you leave it empty."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, max_mb: int = 10, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A PDF document or a JPEG, PNG or WebP image, up to %(size)s MB. Location and other hidden "
            "information are removed before the file is stored, encrypted."
        ) % {"size": max_mb}
