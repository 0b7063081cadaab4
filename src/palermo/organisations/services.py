"""Writes about organisations."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from palermo.audit.services import audit_record
from palermo.organisations.models import Organisation
from palermo.permissions import ActingUser, Channel


@transaction.atomic
def organisation_create(
    *, acting: ActingUser, name: str, type: str, country: str, region: str = "", municipality: str = ""
) -> Organisation:
    """Register an organisation. Only a server operator (the command line) may."""
    if not (acting.channel == Channel.CLI and acting.membership is None):
        raise PermissionDenied("organisation.create")
    organisation = Organisation(
        name=name.strip(), type=type, country=country.strip().upper(), region=region, municipality=municipality
    )
    organisation.full_clean()
    organisation.save()
    audit_record(acting=acting, action="organisation.create", target=organisation, organisation_id=organisation.pk)
    return organisation
