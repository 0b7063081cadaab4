"""The directory of organisations, and an organisation's members for its admins."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.accounts.services import membership_deactivate
from palermo.organisations.selectors import member_list_for, organisation_directory
from palermo.permissions import Actor, Capability
from palermo.web.decorators import page


@page(Capability.DIRECTORY_VIEW)
def organisation_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request, "organisations/organisation_list.html", {"organisations": organisation_directory(actor=actor)}
    )


@page(Capability.MEMBERS_MANAGE)
def member_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "organisations/member_list.html", {"members": member_list_for(actor=actor)})


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
