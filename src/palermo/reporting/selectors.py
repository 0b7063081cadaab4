"""Reads of tips: only the receiving organisation's members who triage see them, and every read is audited."""

from __future__ import annotations

from django.db.models import QuerySet

from palermo.audit.services import audited_get
from palermo.permissions import Actor, Capability, require
from palermo.reporting.models import Tip


def tip_inbox_for(*, actor: Actor) -> QuerySet[Tip]:
    require(actor, Capability.TIPS_TRIAGE)
    assert actor.membership is not None
    return Tip.objects.filter(organisation_id=actor.membership.organisation_id)


def tip_inbox_page_for(*, actor: Actor) -> QuerySet[Tip]:
    """The inbox list: no content is loaded (or decrypted) until a tip is opened."""
    return tip_inbox_for(actor=actor).defer("content")


def tip_get_for(*, actor: Actor, tip_id: int | str) -> Tip:
    return audited_get(actor=actor, queryset=tip_inbox_for(actor=actor), object_id=tip_id, action="tip.view")
