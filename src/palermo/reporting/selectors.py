"""Reads of tips: only the receiving organisation's members who triage see them, and every read is audited."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from palermo.audit.services import audit_record, audited_get
from palermo.organisations.models import Membership
from palermo.permissions import ROLE_CAPABILITIES, ActingUser, Capability, require
from palermo.reporting.models import InspectionRequest, Tip, TipForward, TipLink, TipPhoto, TipRoute


def tip_inbox_for(*, acting: ActingUser) -> QuerySet[Tip]:
    require(acting, Capability.TIPS_TRIAGE)
    assert acting.membership is not None
    return Tip.objects.filter(organisation_id=acting.membership.organisation_id)


def tip_inbox_page_for(*, acting: ActingUser) -> QuerySet[Tip]:
    """The inbox list: no content is loaded (or decrypted) until a tip is opened."""
    return tip_inbox_for(acting=acting).defer("content").select_related("assigned_to")


def tip_get_for(*, acting: ActingUser, tip_id: int | str) -> Tip:
    return audited_get(acting=acting, queryset=tip_inbox_for(acting=acting), object_id=tip_id, action="tip.view")


def tip_links_for(*, acting: ActingUser, tip: Tip) -> list[Tip]:
    """The tips linked to `tip`, from the acting user's inbox only (their content is not loaded)."""
    pairs = TipLink.objects.filter(Q(tip=tip) | Q(other=tip)).values_list("tip_id", "other_id")
    ids = {a if b == tip.pk else b for a, b in pairs}
    return list(tip_inbox_page_for(acting=acting).filter(pk__in=ids))


def tip_link_suggestions_for(*, acting: ActingUser, tip: Tip, limit: int = 10) -> list[Tip]:
    """Other tips in the inbox about the same place, found by the keyed place index alone."""
    if not tip.place_index:
        return []
    linked = {t.pk for t in tip_links_for(acting=acting, tip=tip)}
    same_place = tip_inbox_page_for(acting=acting).filter(place_index=tip.place_index).exclude(pk=tip.pk)
    return list(same_place.exclude(pk__in=linked)[:limit])


def tip_forwards_sent_for(*, acting: ActingUser) -> QuerySet[TipForward]:
    """What the acting user's organisation forwarded: the record stays, the tip is no longer readable."""
    require(acting, Capability.TIPS_TRIAGE)
    assert acting.membership is not None
    return (
        TipForward.objects.filter(from_organisation_id=acting.membership.organisation_id)
        .defer("note")
        .select_related("to_organisation", "forwarded_by")
    )


def tip_photo_get_for(*, acting: ActingUser, tip_id: int | str, photo_id: int | str) -> TipPhoto:
    """One photo of a tip in the acting user's inbox, with the download audited; 404 alike for missing and forbidden."""
    tips = tip_inbox_for(acting=acting)
    photos = TipPhoto.objects.filter(tip__in=tips, tip_id=_int_or_none(tip_id))
    photo = audited_get(acting=acting, queryset=photos, object_id=photo_id, action="tip.photo_download")
    return photo


def _int_or_none(value: int | str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def inspection_requests_for(*, acting: ActingUser) -> QuerySet[InspectionRequest]:
    require(acting, Capability.TIPS_TRIAGE)
    assert acting.membership is not None
    return InspectionRequest.objects.filter(organisation_id=acting.membership.organisation_id).select_related(
        "target", "created_by"
    )


def inspection_requests_listed_for(*, acting: ActingUser) -> list[InspectionRequest]:
    """The organisation's inspection requests with their places: the listing is audited."""
    requests = list(inspection_requests_for(acting=acting)[:200])
    audit_record(acting=acting, action="inspection_request.list", detail={"count": len(requests)})
    return requests


def inspection_request_get_for(*, acting: ActingUser, inspection_id: int | str) -> InspectionRequest:
    return audited_get(
        acting=acting,
        queryset=inspection_requests_for(acting=acting),
        object_id=inspection_id,
        action="inspection_request.view",
    )


# --- Who reads an organisation's tips -------------------------------------------------------------------


def tip_triage_roles() -> list[str]:
    return [role for role, caps in ROLE_CAPABILITIES.items() if Capability.TIPS_TRIAGE in caps]


def tip_triage_memberships() -> QuerySet[Membership]:
    """The active roles, of active users, that may triage tips: who reads the tips an organisation receives.

    The one definition behind assigning a tip, refusing a route and every "nobody reads these tips" warning.
    """
    return Membership.objects.filter(role__in=tip_triage_roles(), is_active=True, user__is_active=True)


def tip_routes_reaching_nobody(*, organisation_id: int | None = None) -> list[TipRoute]:
    """Routes to an active organisation where nobody may triage tips (the last one left or lost the role):
    the tips they send arrive and wait, unread, until someone there gets the role."""
    readers = tip_triage_memberships().filter(organisation_id=OuterRef("organisation_id"))
    routes = (
        TipRoute.objects.select_related("organisation").filter(organisation__is_active=True).exclude(Exists(readers))
    )
    if organisation_id is not None:
        routes = routes.filter(organisation_id=organisation_id)
    return list(routes.order_by("area", "exploitation"))


def tip_routes_for(*, acting: ActingUser) -> QuerySet[TipRoute]:
    require(acting, Capability.PLANNING_MANAGE)
    return TipRoute.objects.select_related("organisation").order_by("area", "exploitation")
