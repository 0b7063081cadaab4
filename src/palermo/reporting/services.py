"""Taking tips from the public and answering them, without ever knowing who the reporter is."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.audit.services import audit_record
from palermo.encryption.keyring import hmac_key
from palermo.organisations.models import Organisation
from palermo.permissions import Actor, Capability, require
from palermo.reporting.models import Exploitation, Tip, TipMessage, TipPriority, TipRoute, TipStatus

LIMITS = {"description": 10000, "location": 500, "when": 300, "involved": 3000, "contact": 500, "message": 10000}
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


def tip_recipient(exploitation: str) -> Organisation | None:
    route = (
        TipRoute.objects.filter(exploitation=exploitation).select_related("organisation").first()
        or TipRoute.objects.filter(exploitation=TipRoute.ANY).select_related("organisation").first()
    )
    return route.organisation if route else None


@dataclass(frozen=True)
class Submitted:
    tip: Tip
    receipt: str


@transaction.atomic
def tip_submit(*, data: dict[str, object], language: str) -> Submitted:
    """Store a tip from the public; returns the receipt, shown once to the reporter and never stored."""
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
    if problems:
        raise TipInputError(problems)
    receipt = _new_receipt()
    tip = Tip.objects.create(  # type: ignore[misc]  # content is encrypted JSON, typed as text
        organisation=tip_recipient(exploitation),
        language=language,
        exploitation=exploitation,
        content={k: v for k, v in content.items() if v},
        receipt_digest=_receipt_digest(receipt),
        received_at=_this_hour(),
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
def tip_reply(*, actor: Actor, tip: Tip, body: str) -> TipMessage:
    """Answer the reporter; they read it with their receipt. `tip` comes from a scoped selector."""
    require(actor, Capability.TIPS_TRIAGE)
    problems: dict[str, list[str]] = {}
    text = _clean_text("message", body, problems, required=True)
    if problems:
        raise ValidationError({"body": problems["message"]})
    message = TipMessage.objects.create(
        tip=tip, from_reporter=False, author=actor.user, body=text, sent_at=timezone.now()
    )
    audit_record(actor=actor, action="tip.reply", target=tip)
    return message


@transaction.atomic
def tip_triage(*, actor: Actor, tip: Tip, status: str, priority: str) -> Tip:
    require(actor, Capability.TIPS_TRIAGE)
    if status not in TipStatus.values or priority not in TipPriority.values:
        raise ValidationError(_("Unknown status or priority."))
    tip.status, tip.priority = status, priority
    tip.save(update_fields=["status", "priority"])
    audit_record(actor=actor, action="tip.triage", target=tip, detail={"status": status, "priority": priority})
    return tip


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
