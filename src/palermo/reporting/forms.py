from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.organisations.models import Membership, Organisation
from palermo.reporting.models import Exploitation, InspectionRequestStatus, TipPriority, TipRoute, TipStatus
from palermo.reporting.services import LIMITS, MAX_PHOTOS, PHOTO_MAX_BYTES, tip_areas


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
    status = forms.ChoiceField(label=_("Status"), choices=[c for c in TipStatus.choices if c[0] != TipStatus.FORWARDED])
    priority = forms.ChoiceField(label=_("Priority"), choices=TipPriority.choices)


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS files; what they really are is decided by decoding them in the service."""

    widget = MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


def add_public_extras(form: forms.Form) -> None:
    """The area list (when routes name areas) and the photos, added to the public form in place."""
    areas = tip_areas()
    fields = dict(form.fields)
    ordered: dict[str, forms.Field] = {}
    for name, field in fields.items():
        ordered[name] = field
        if name == "location" and areas:
            ordered["area"] = forms.ChoiceField(
                label=_("Which area?"),
                required=False,
                choices=[("", _("I don't know, or I prefer not to say")), *((a, a) for a in areas)],
                help_text=_("It helps us send your report to the right people nearby."),
            )
    ordered["photos"] = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_(
            "Up to %(count)s photos (JPEG, PNG or WebP, %(size)s MB each). We remove the location and all "
            "other hidden information from them before they are stored. Only send photos you can take safely."
        )
        % {"count": MAX_PHOTOS, "size": PHOTO_MAX_BYTES // 2**20},
    )
    form.fields = ordered


class RouteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation that receives the tips"), queryset=Organisation.objects.filter(is_active=True)
    )
    exploitation = forms.ChoiceField(
        label=_("Suspected form of exploitation"),
        choices=[(TipRoute.ANY, _("Any form")), *Exploitation.choices],
    )
    area = forms.CharField(
        label=_("Area"),
        required=False,
        max_length=LIMITS["area"],
        help_text=_(
            "A municipality or region as reporters know it; reporters choose it from a list. Leave empty for anywhere."
        ),
    )


class AssignForm(forms.Form):
    assigned_to = forms.TypedChoiceField(label=_("Assigned to"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, assignees: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].choices = [  # type: ignore[attr-defined]
            ("", _("Nobody")),
            *((m.user_id, m.user.full_name or m.user.email) for m in assignees),
        ]


class ForwardForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Forward to"), coerce=int)
    note = forms.CharField(
        label=_("Note for them"),
        required=False,
        max_length=LIMITS["note"],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why they should act on it. Your organisation will no longer see this tip."),
    )

    def __init__(self, *args: Any, own_organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Organisation.objects.filter(is_active=True).exclude(pk=own_organisation_id)
        self.fields["organisation"].choices = [("", "—"), *((o.pk, o.name) for o in others)]  # type: ignore[attr-defined]


class LinkForm(forms.Form):
    other = forms.IntegerField(
        label=_("Tip number to link"), min_value=1, help_text=_("The number of another tip in your inbox.")
    )


class InspectionRequestForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Who should inspect"), queryset=Organisation.objects.filter(is_active=True))
    place = forms.CharField(label=_("Place to inspect"), max_length=500)
    scope = forms.CharField(label=_("What to inspect"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class InspectionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=InspectionRequestStatus.choices)
