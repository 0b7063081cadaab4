"""An organisation's members and invitations, for its admins, and the invitee's link.

Pages of accounts, since they create users and memberships, under the organisations/ paths and the
`organisations:` URL names they always had (palermo/urls.py puts them there).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from palermo.accounts import services as account_services
from palermo.accounts.acting import SESSION_KEY
from palermo.accounts.forms import InvitationAccountForm, InviteForm
from palermo.accounts.selectors import invitation_answered_by, invitation_get_by_secret
from palermo.accounts.services import (
    invitation_accept,
    invitation_account_create,
    invitation_create,
    membership_deactivate,
)
from palermo.organisations.selectors import invitation_list_for, member_list_for
from palermo.permissions import ActingUser, Capability
from palermo.web.decorators import page


@page(Capability.MEMBERS_MANAGE)
def member_list(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    """The organisation's members and open invitations; admins invite someone here."""
    assert acting.membership is not None
    form = InviteForm(request.POST or None)
    invited = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation, secret = invitation_create(
                acting=acting, organisation=acting.membership.organisation, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # Rendered into this response only: the link's secret never goes into the message store.
            link = request.build_absolute_uri(reverse("organisations:invitation", args=[secret]))
            invited = {
                "email": invitation.email,
                "role": invitation.get_role_display(),
                "expires_at": invitation.expires_at,
                "link": link,
            }
            form = InviteForm()
    context = {
        "members": member_list_for(acting=acting),
        "invitations": invitation_list_for(acting=acting),
        "form": form,
        "invited": invited,
    }
    return render(request, "organisations/member_list.html", context, status=400 if form.errors else 200)


@require_POST
@page(Capability.MEMBERS_MANAGE)
def member_deactivate(request: HttpRequest, acting: ActingUser, membership_id: int) -> HttpResponse:
    membership = member_list_for(acting=acting).filter(pk=membership_id, is_active=True).first()
    if membership is None:
        raise Http404
    membership_deactivate(acting=acting, membership=membership)
    messages.success(
        request,
        _("%(user)s no longer acts as %(role)s.") % {"user": membership.user, "role": membership.get_role_display()},
    )
    return redirect("organisations:members")


@require_POST
@page(Capability.MEMBERS_MANAGE)
def invitation_revoke(request: HttpRequest, acting: ActingUser, invitation_id: int) -> HttpResponse:
    invitation = invitation_list_for(acting=acting).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    account_services.invitation_revoke(acting=acting, invitation=invitation)
    messages.success(request, _("The invitation for %(email)s no longer works.") % {"email": invitation.email})
    return redirect("organisations:members")


@sensitive_post_parameters("new_password1", "new_password2")
def invitation_answer(request: HttpRequest, secret: str) -> HttpResponse:
    """The invitee's link. Signed in as the invited address: accept. Otherwise: sign in, or choose a password.

    Both ways look the same whether or not the address has an account.
    """
    invitation = invitation_get_by_secret(secret)
    user = request.user
    if invitation is None:
        if user.is_authenticated and invitation_answered_by(secret=secret, user=user):
            return redirect("web:home")
        return render(request, "organisations/invitation_gone.html", status=404)
    here = request.get_full_path()
    if user.is_authenticated:
        if user.email != invitation.email:
            return render(request, "organisations/invitation_gone.html", status=404)
        if request.method == "POST":
            membership = invitation_accept(user=user, invitation=invitation)
            request.session[SESSION_KEY] = membership.pk
            messages.success(request, _("You now act for %(membership)s.") % {"membership": membership})
            return redirect("web:home")
        return render(request, "organisations/invitation_accept.html", {"invitation": invitation})
    form = InvitationAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_account_create(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["new_password1"],
            )
        except ValidationError as error:
            form.add_error("new_password1", error.messages)
        else:
            messages.info(request, _("Now sign in with your email address and password to continue."))
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': here}, safe='/')}")
    context = {
        "invitation": invitation,
        "form": form,
        "login_url": f"{reverse('accounts:login')}?{urlencode({'next': here}, safe='/')}",
    }
    return render(request, "organisations/invitation_account.html", context, status=400 if form.errors else 200)
