"""Forms of the case pages; choices are built per request so labels follow the active language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from palermo.cases import vocabularies
from palermo.cases.models import ConsentPurpose, ConsentStatus, InformedHow
from palermo.cases.sharing import shareable_choices
from palermo.common.catalogue import service_choices, service_label
from palermo.organisations.models import Organisation

CHECKBOXES = forms.CheckboxSelectMultiple


def _organisation_field(recipients: list[tuple[Organisation, list[str]]], required: bool) -> forms.ChoiceField:
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
        self.fields["organisation"] = _organisation_field(recipients, required=False)
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
        self.fields["organisation"] = _organisation_field(recipients, required=False)
        self.order_fields(["purpose", "organisation", "shared_fields", "provision", "note"])
        self.fields["shared_fields"].choices = shareable_choices()  # type: ignore[attr-defined]


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
        self.fields["to_organisation"] = _organisation_field(recipients, required=True)
        self.fields["to_organisation"].label = _("Refer to")
        self.order_fields(["to_organisation", "services", "note"])
        self.fields["services"].choices = service_choices()  # type: ignore[attr-defined]


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


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), widget=forms.Textarea(attrs={"rows": 2}))


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
