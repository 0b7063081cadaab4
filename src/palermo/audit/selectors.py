"""Reads of the audit trail: an organisation admin sees their organisation's chain."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from palermo.audit.models import AuditEntry
from palermo.permissions import ActingUser, Capability, require


def audit_entries_for(
    *,
    acting: ActingUser,
    action: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    require(acting, Capability.AUDIT_VIEW)
    assert acting.membership is not None
    entries = AuditEntry.objects.filter(organisation_id=acting.membership.organisation_id)
    if action:
        entries = entries.filter(action__startswith=action)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.select_related("actor", "membership").order_by("-at", "-sequence")
