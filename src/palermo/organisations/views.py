"""The directory of organisations (their members and invitations are pages of accounts: accounts/members.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from palermo.organisations.selectors import organisation_directory
from palermo.permissions import ActingUser, Capability
from palermo.web.decorators import page


@page(Capability.DIRECTORY_VIEW)
def organisation_list(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    return render(
        request, "organisations/organisation_list.html", {"organisations": organisation_directory(acting=acting)}
    )
