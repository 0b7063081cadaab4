"""Taking tips from the public and answering them, without ever knowing who the reporter is."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.attachments.images import MAX_BYTES, CleanImage, ImageRejected, sanitise_image, too_large_message
from palermo.audit.services import audit_record
from palermo.encryption.keyring import blind_index
from palermo.hmac_keys import hmac_key
from palermo.organisations.models import Membership, Organisation
from palermo.permissions import (
    ActingUser,
    Capability,
    Role,
    can,
    governs_deployment,
    may_set_tip_route,
    require,
)
from palermo.reporting.models import (
    Exploitation,
    Tip,
    TipForward,
    TipLink,
    TipMessage,
    TipPhoto,
    TipPriority,
    TipRoute,
    TipStatus,
)
from palermo.reporting.selectors import tip_triage_memberships, tip_triage_roles

LIMITS = {
    "description": 10000,
    "location": 500,
    "when": 300,
    "involved": 3000,
    "contact": 500,
    "message": 10000,
    "note": 2000,
    "area": 120,
}
MAX_PHOTOS = 3
PHOTO_MAX_BYTES = MAX_BYTES
RECEIPT_BYTES = 20  # 160 bits: guessing one is hopeless, even without the throttle


class TipInputError(Exception):
    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("; ".join(fields))
        self.fields = fields


def _clean_text(name: str, value: object, problems: dict[str, list[str]], *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems[name] = [_("Please write this as plain text.")]
        return ""
    # Control characters other than line breaks and tabs are binary junk, not words.
    if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in value):
        problems[name] = [_("This contains characters that are not text. Please type or paste plain text.")]
        return ""
    value = value.strip()
    if required and not value:
        problems[name] = [_("Please tell us what you saw.")]
    elif len(value) > LIMITS[name]:
        problems[name] = [
            _("This is longer than %(limit)s characters. Please shorten it; you can add more later with your receipt.")
            % {"limit": LIMITS[name]}
        ]
    return value


def _receipt_digest(receipt: str) -> str:
    normalised = "".join(c for c in receipt.upper() if c.isalnum())
    return hmac.new(hmac_key("tip-receipt"), normalised.encode(), hashlib.sha256).hexdigest()


def _new_receipt() -> str:
    raw = base64.b32encode(secrets.token_bytes(RECEIPT_BYTES)).decode().rstrip("=")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _this_hour() -> datetime.datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def area_normalise(area: str) -> str:
    return " ".join(area.split())


def tip_areas() -> list[str]:
    """The areas a reporter can choose from: those the routes name."""
    return list(TipRoute.objects.exclude(area="").order_by("area").values_list("area", flat=True).distinct())


def tip_route_for(exploitation: str, area: str = "") -> TipRoute | None:
    """The most specific route: the form in the area, the form anywhere, any form in the area, then the
    fallback (any form, anywhere). The competent body for a form of exploitation (a labour inspectorate
    for labour exploitation) wins over a general route for an area."""
    wanted = [(exploitation, area), (exploitation, ""), (TipRoute.ANY, area), (TipRoute.ANY, "")]
    query = models.Q()
    for form, place in wanted:
        query |= models.Q(exploitation=form, area=place)
    routes = {(r.exploitation, r.area): r for r in TipRoute.objects.filter(query).select_related("organisation")}
    for key in wanted:
        if key in routes and routes[key].organisation.is_active:
            return routes[key]
    return None


def tip_recipient(exploitation: str, area: str = "") -> Organisation | None:
    route = tip_route_for(exploitation, area)
    return route.organisation if route else None


def place_index(location: str) -> str:
    """A keyed digest of the place, normalised (case, accents, punctuation, spacing), so that tips
    about "Rue du Port 4" and "rue du port, 4" are suggested as links without decrypting any tip."""
    letters = "".join(c if c.isalnum() else " " for c in location)
    return blind_index(letters, "tip-place") if letters.strip() else ""


def photos_clean(files: Sequence[object]) -> list[CleanImage]:
    """Sanitise every photo, or raise TipInputError naming each that was refused and why."""
    problems: list[str] = []
    if len(files) > MAX_PHOTOS:
        raise TipInputError({"photos": [_("You can send up to %(count)s photos.") % {"count": MAX_PHOTOS}]})
    cleaned = []
    for number, upload in enumerate(files, start=1):
        name = str(getattr(upload, "name", "") or _("Photo %(number)s") % {"number": number})
        try:
            size = getattr(upload, "size", None)
            if isinstance(size, int) and size > PHOTO_MAX_BYTES:
                # The upload handler measured it without keeping it all: refuse before reading.
                raise ImageRejected("too_large", too_large_message(PHOTO_MAX_BYTES))
            data = upload if isinstance(upload, bytes) else bytes(getattr(upload, "read", bytes)())
            cleaned.append(sanitise_image(data, max_bytes=PHOTO_MAX_BYTES))
        except ImageRejected as rejected:
            problems.append(f"{name}: {rejected.message}")
    if problems:
        raise TipInputError({"photos": problems})
    return cleaned


@dataclass(frozen=True)
class Submitted:
    tip: Tip
    receipt: str

    @property
    def held(self) -> bool:
        """No route took the tip: nobody can read it until one does (the reporter must be told)."""
        return self.tip.organisation_id is None


@transaction.atomic
def tip_submit(*, data: dict[str, object], language: str, photos: Sequence[object] = ()) -> Submitted:
    """Store a tip from the public; returns the receipt, shown once to the reporter and never stored.

    Photos are checked before anything is stored: a refused photo refuses the whole submission,
    with a message per photo, so the reporter can send again without losing what they wrote.
    A tip no route takes is held (no organisation) until a route takes it: see `tips_held_deliver`.
    """
    problems: dict[str, list[str]] = {}
    content = {
        "description": _clean_text("description", data.get("description"), problems, required=True),
        "location": _clean_text("location", data.get("location"), problems),
        "when": _clean_text("when", data.get("when"), problems),
        "involved": _clean_text("involved", data.get("involved"), problems),
        "contact": _clean_text("contact", data.get("contact"), problems),
    }
    exploitation = str(data.get("exploitation") or Exploitation.UNKNOWN)
    if exploitation not in Exploitation.values:
        problems["exploitation"] = [_("Choose one of the options, or leave it empty.")]
    area = data.get("area") or ""
    if not isinstance(area, str) or (area and area_normalise(area) not in tip_areas()):
        problems["area"] = [_("Choose one of the areas in the list, or leave it empty.")]
        area = ""
    area = area_normalise(area)
    cleaned: list[CleanImage] = []
    try:
        cleaned = photos_clean(photos)
    except TipInputError as refused:
        problems.update(refused.fields)
    if problems:
        raise TipInputError(problems)
    receipt = _new_receipt()
    tip = Tip.objects.create(  # type: ignore[misc]  # content is encrypted JSON, typed as text
        organisation=tip_recipient(exploitation, area),
        language=language,
        exploitation=exploitation,
        area=area,
        place_index=place_index(content["location"]),
        content={k: v for k, v in content.items() if v},
        receipt_digest=_receipt_digest(receipt),
        received_at=_this_hour(),
    )
    TipPhoto.objects.bulk_create(
        TipPhoto(  # type: ignore[misc]  # encrypted bytes, typed as text
            tip=tip,
            content=image.content,
            content_type=image.content_type,
            size=len(image.content),
            width=image.width,
            height=image.height,
        )
        for image in cleaned
    )
    return Submitted(tip=tip, receipt=receipt)


def tip_for_receipt(receipt: str) -> Tip | None:
    """The tip a receipt opens, or None. The digest is compared in constant time as well."""
    if not isinstance(receipt, str) or len(receipt) > 100:
        return None
    digest = _receipt_digest(receipt)
    tip = Tip.objects.filter(receipt_digest=digest).first()
    if tip is None or not hmac.compare_digest(tip.receipt_digest, digest):
        return None
    return tip


@transaction.atomic
def tip_follow_up(*, tip: Tip, message: object) -> TipMessage:
    problems: dict[str, list[str]] = {}
    body = _clean_text("message", message, problems, required=True)
    if problems:
        raise TipInputError({"message": problems["message"]})
    if tip.status == TipStatus.CLOSED:
        tip.status = TipStatus.TRIAGED
        tip.save(update_fields=["status"])
    return TipMessage.objects.create(tip=tip, from_reporter=True, body=body, sent_at=_this_hour())


# --- Recipients ----------------------------------------------------------------------------------------


@transaction.atomic
def tip_reply(*, acting: ActingUser, tip: Tip, body: str) -> TipMessage:
    """Answer the reporter; they read it with their receipt. `tip` comes from a scoped selector."""
    require(acting, Capability.TIPS_TRIAGE)
    problems: dict[str, list[str]] = {}
    text = _clean_text("message", body, problems, required=True)
    if problems:
        raise ValidationError({"body": problems["message"]})
    message = TipMessage.objects.create(
        tip=tip, from_reporter=False, author=acting.user, body=text, sent_at=timezone.now()
    )
    audit_record(acting=acting, action="tip.reply", target=tip)
    return message


def _locked_tip(acting: ActingUser, tip: Tip) -> Tip:
    """The tip as the database holds it now, locked until the transaction ends, and still with the
    acting user's organisation: a forward that won a race takes the tip away from the other side."""
    assert acting.membership is not None
    fresh = Tip.objects.select_for_update().filter(pk=tip.pk, organisation_id=acting.membership.organisation_id).first()
    if fresh is None:
        raise ValidationError(_("This tip has just been forwarded to another organisation."))
    return fresh


@transaction.atomic
def tip_triage(*, acting: ActingUser, tip: Tip, status: str, priority: str) -> Tip:
    require(acting, Capability.TIPS_TRIAGE)
    if status not in TipStatus.values or priority not in TipPriority.values:
        raise ValidationError(_("Unknown status or priority."))
    tip = _locked_tip(acting, tip)
    if status == TipStatus.FORWARDED and tip.status != TipStatus.FORWARDED:
        raise ValidationError(_("To forward a tip, use Forward and choose the organisation."))
    tip.status, tip.priority = status, priority
    tip.save(update_fields=["status", "priority"])
    audit_record(acting=acting, action="tip.triage", target=tip, detail={"status": status, "priority": priority})
    return tip


def _triage_members(organisation_id: int) -> models.QuerySet[Membership]:
    return tip_triage_memberships().filter(organisation_id=organisation_id).select_related("user")


def tip_assignees(*, acting: ActingUser) -> list[Membership]:
    """Who a tip can be assigned to: members of the acting user's organisation who triage tips."""
    require(acting, Capability.TIPS_TRIAGE)
    assert acting.membership is not None
    return list(_triage_members(acting.membership.organisation_id).order_by("user__email"))


@transaction.atomic
def tip_assign(*, acting: ActingUser, tip: Tip, user_id: int | None) -> Tip:
    """Give the tip to a case worker of the receiving organisation (None: nobody)."""
    require(acting, Capability.TIPS_TRIAGE)
    tip = _locked_tip(acting, tip)
    assignee = None
    if user_id is not None:
        membership = _triage_members(tip.organisation_id or 0).filter(user_id=user_id).first()
        if membership is None:
            raise ValidationError({"assigned_to": _("Choose someone of your organisation who handles tips.")})
        assignee = membership.user
    tip.assigned_to = assignee
    tip.save(update_fields=["assigned_to"])
    audit_record(acting=acting, action="tip.assign", target=tip, detail={"assigned_to": user_id})
    return tip


@transaction.atomic
def tip_forward(*, acting: ActingUser, tip: Tip, organisation_id: int, note: str = "") -> TipForward:
    """Hand the tip to another organisation, which finds it new in its inbox. The forwarding
    organisation's access to it ends (it keeps the record of the forward): a tip is seen only by
    the organisation that acts on it. Its links, assignment and any photos' access go with it."""
    require(acting, Capability.TIPS_TRIAGE)
    assert acting.membership is not None
    tip = _locked_tip(acting, tip)
    problems: dict[str, list[str]] = {}
    text = _clean_text("note", note, problems)
    target = Organisation.objects.filter(pk=organisation_id, is_active=True).first()
    if target is None:
        problems["organisation"] = [_("Choose an active organisation.")]
    elif target.pk == tip.organisation_id:
        problems["organisation"] = [_("The tip is already with this organisation.")]
    elif not _triage_members(target.pk).exists():
        problems["organisation"] = [_("Nobody in this organisation handles tips yet, so nobody would read it.")]
    if problems:
        raise ValidationError(problems)
    assert target is not None
    assert acting.user is not None
    forward = TipForward.objects.create(
        tip=tip,
        from_organisation_id=acting.membership.organisation_id,
        to_organisation=target,
        note=text,
        forwarded_by=acting.user,
        forwarded_at=timezone.now(),
    )
    # Links are what the forwarding organisation knows about its own tips: they stay behind.
    unlinked = TipLink.objects.filter(models.Q(tip=tip) | models.Q(other=tip)).delete()[0]
    tip.organisation = target
    tip.status = TipStatus.NEW
    tip.assigned_to = None
    tip.save(update_fields=["organisation", "status", "assigned_to"])
    audit_record(
        acting=acting,
        action="tip.forward",
        target=tip,
        detail={"to_organisation": target.pk, "links_removed": unlinked},
    )
    # The receiving organisation's trail shows the tip arrived, and from whom.
    audit_record(
        acting=acting,
        action="tip.forward_receive",
        target=tip,
        organisation_id=target.pk,
        detail={"from_organisation": acting.membership.organisation_id},
    )
    return forward


@transaction.atomic
def tip_link(*, acting: ActingUser, tip: Tip, other: Tip) -> TipLink:
    """Link two tips of the acting user's organisation (both from scoped selectors)."""
    require(acting, Capability.TIPS_TRIAGE)
    if tip.pk == other.pk:
        raise ValidationError({"other": _("A tip cannot be linked to itself.")})
    if tip.organisation_id != other.organisation_id:
        raise ValidationError({"other": _("Both tips must be in your inbox.")})
    low, high = sorted((tip, other), key=lambda t: t.pk)
    link, created = TipLink.objects.get_or_create(
        tip=low, other=high, defaults={"organisation_id": tip.organisation_id, "created_by": acting.user}
    )
    if created:
        audit_record(acting=acting, action="tip.link", target=tip, detail={"other": other.pk})
    return link


@transaction.atomic
def tip_unlink(*, acting: ActingUser, tip: Tip, other_id: int) -> None:
    require(acting, Capability.TIPS_TRIAGE)
    low, high = sorted((tip.pk, int(other_id)))
    deleted = TipLink.objects.filter(tip_id=low, other_id=high, organisation_id=tip.organisation_id or 0).delete()[0]
    if deleted:
        audit_record(acting=acting, action="tip.unlink", target=tip, detail={"other": int(other_id)})


# --- Routing: coordinators for their own area, the deployment coordinator for the rest -----------------


def _route_refused() -> PermissionDenied:
    return PermissionDenied(
        _(
            "You can route the tips of a named area to your own organisation only. Routes for anywhere, "
            "and routes of other organisations, are set by the deployment coordinator."
        )
    )


def _audit_route_change(*, acting: ActingUser, action: str, route: TipRoute, concerned: set[int], detail: dict) -> None:
    """The acting user's trail, and the trail of every other organisation whose tips the change moves: an
    organisation that gains or loses tips learns it from its own audit trail, not from the acting user's."""
    audit_record(acting=acting, action=action, target=route, detail=detail)
    own = acting.membership.organisation_id if acting.membership else None
    for organisation_id in sorted(concerned - {own}):
        audit_record(acting=acting, action=action, target=route, organisation_id=organisation_id, detail=detail)


@transaction.atomic
def tip_route_set(*, acting: ActingUser, organisation_id: int | None, exploitation: str, area: str = "") -> TipRoute:
    """Route tips about a form of exploitation ("any") in an area ("" anywhere) to an organisation.
    A route for the same form and area is replaced: there is one recipient per form and area.

    Who may is `permissions.may_set_tip_route`. Tips held because no route took them are delivered
    by the new route when it takes them (`tips_held_deliver`), in the same transaction."""
    if not (can(acting, Capability.PLANNING_MANAGE) or governs_deployment(acting)):
        raise PermissionDenied(Capability.PLANNING_MANAGE.value)
    problems: dict[str, list[str]] = {}
    if exploitation not in (*Exploitation.values, TipRoute.ANY):
        problems["exploitation"] = [_("Choose a form of exploitation, or all of them.")]
    area = area_normalise(area or "")
    if len(area) > LIMITS["area"]:
        problems["area"] = [_("Keep the area under %(limit)s characters.") % {"limit": LIMITS["area"]}]
    elif any(unicodedata.category(c) == "Cc" for c in area):
        problems["area"] = [_("Write the area as plain text.")]
    organisation = Organisation.objects.filter(pk=organisation_id or 0, is_active=True).first()
    if organisation is None:
        problems["organisation"] = [_("Choose an active organisation.")]
    if problems:
        raise ValidationError(problems)
    assert organisation is not None
    current = TipRoute.objects.select_for_update().filter(exploitation=exploitation, area=area).first()
    replaced = current.organisation_id if current else None
    if not may_set_tip_route(acting, area=area, organisation_id=organisation.pk, replaced_organisation_id=replaced):
        raise _route_refused()
    if not _triage_members(organisation.pk).exists():
        # Tips sent there would wait for nobody: refuse, and say what would make the route possible.
        roles = ", ".join(str(Role(role).label) for role in tip_triage_roles())
        raise ValidationError(
            {
                "organisation": [
                    _(
                        "Nobody in %(organisation)s may triage tips, so tips routed there would wait unread. "
                        "Ask its admin to give someone the role that triages tips (%(roles)s), or choose another "
                        "organisation."
                    )
                    % {"organisation": organisation.name, "roles": roles}
                ]
            }
        )
    if current is None:
        route = TipRoute.objects.create(exploitation=exploitation, area=area, organisation=organisation)
    else:
        route = current
        route.organisation = organisation
        route.save(update_fields=["organisation"])
    detail: dict[str, object] = {
        "exploitation": exploitation,
        "area": area,
        "organisation": organisation.pk,
        "replaced": current is not None,
    }
    if replaced is not None and replaced != organisation.pk:
        detail["replaced_organisation"] = replaced
    _audit_route_change(
        acting=acting,
        action="tip_route.set",
        route=route,
        concerned={organisation.pk, replaced or organisation.pk},
        detail=detail,
    )
    tips_held_deliver(acting=acting)
    return route


@transaction.atomic
def tip_route_remove(*, acting: ActingUser, route_id: int) -> None:
    if not (can(acting, Capability.PLANNING_MANAGE) or governs_deployment(acting)):
        raise PermissionDenied(Capability.PLANNING_MANAGE.value)
    route = TipRoute.objects.select_for_update().filter(pk=route_id).first()
    if route is None:
        raise ValidationError(_("This route was already removed."))
    if not may_set_tip_route(
        acting, area=route.area, organisation_id=route.organisation_id, replaced_organisation_id=route.organisation_id
    ):
        raise _route_refused()
    if route.is_fallback:
        raise ValidationError(
            _(
                "Tips that match no other route go to this one, so it cannot be removed. "
                "To send them elsewhere, route all forms, anywhere, to another organisation."
            )
        )
    _audit_route_change(
        acting=acting,
        action="tip_route.remove",
        route=route,
        concerned={route.organisation_id},
        detail={"exploitation": route.exploitation, "area": route.area, "organisation": route.organisation_id},
    )
    route.delete()


def tips_held_deliver(*, acting: ActingUser) -> int:
    """Give every held tip (received while no route took it) to the organisation a route now sends it to.

    Called by whoever changes the routes, inside their transaction. Each delivery is audited in the
    receiving organisation's trail, as a forward is. Returns how many tips were delivered."""
    delivered = 0
    for tip in Tip.objects.select_for_update().filter(organisation=None).only("pk", "exploitation", "area"):
        recipient = tip_recipient(tip.exploitation, tip.area)
        if recipient is None:
            continue
        Tip.objects.filter(pk=tip.pk).update(organisation=recipient)
        audit_record(acting=acting, action="tip.deliver_held", target=tip, organisation_id=recipient.pk)
        delivered += 1
    return delivered


# --- Abuse limits without addresses ---------------------------------------------------------------------


def client_token(address: str) -> str:
    """A keyed digest of the client address with a key that lives only in the cache and expires,
    so that not even the cache holds anything that leads back to an address after an hour."""
    key = cache.get("reporting:rate-key")
    if key is None:
        cache.add("reporting:rate-key", secrets.token_hex(32), timeout=3600)
        key = cache.get("reporting:rate-key")
    return hmac.new(str(key).encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def rate_limited(*, bucket: str, address: str, limit: int, window: int) -> bool:
    """Count one attempt; True when the client went over `limit` in `window` seconds."""
    name = f"reporting:{bucket}:{client_token(address)}"
    cache.add(name, 0, timeout=window)
    try:
        count = cache.incr(name)
    except ValueError:
        cache.set(name, 1, timeout=window)
        count = 1
    return count > limit
