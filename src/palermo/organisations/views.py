"""The directory of organisations, and an organisation's members for its admins."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from palermo.accounts.forms import InviteForm
from palermo.accounts.services import member_invite, membership_deactivate
from palermo.organisations.selectors import member_list_for, organisation_directory
from palermo.permissions import Actor, Capability
from palermo.web.decorators import page


@page(Capability.DIRECTORY_VIEW)
def organisation_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request, "organisations/organisation_list.html", {"organisations": organisation_directory(actor=actor)}
    )


@sensitive_post_parameters()
@page(Capability.MEMBERS_MANAGE)
def member_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The organisation's members; admins add someone here (a new user gets a one-time password)."""
    assert actor.membership is not None
    form = InviteForm(request.POST or None)
    invited = None
    if request.method == "POST" and form.is_valid():
        try:
            membership, temporary = member_invite(
                actor=actor, organisation=actor.membership.organisation, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # Rendered into this response only: a password never goes into the message store.
            invited = {"membership": membership, "temporary": temporary}
            form = InviteForm()
    context = {"members": member_list_for(actor=actor), "form": form, "invited": invited}
    return render(request, "organisations/member_list.html", context, status=400 if form.errors else 200)


@require_POST
@page(Capability.MEMBERS_MANAGE)
def member_deactivate(request: HttpRequest, actor: Actor, membership_id: int) -> HttpResponse:
    membership = member_list_for(actor=actor).filter(pk=membership_id, is_active=True).first()
    if membership is None:
        raise Http404
    membership_deactivate(actor=actor, membership=membership)
    messages.success(
        request,
        _("%(user)s no longer acts as %(role)s.") % {"user": membership.user, "role": membership.get_role_display()},
    )
    return redirect("organisations:members")
