"""What a referral lets the recipient see: the one projection of a case for another organisation.

A consent for referral names shareable fields by code (palermo.consent.shareable); `shared_view`
applies the consent and nothing else decides what crosses to another organisation. The recipient
sees it only while the access rule holds (palermo.referrals.access). Case notes and case files are
never shareable fields: no consent lets them cross.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from palermo.audit.services import audit_record
from palermo.cases import vocabularies
from palermo.common.catalogue import service_label
from palermo.consent.shareable import (
    HIDDEN_SUBFIELDS,
    SHAREABLE_FIELDS,
    VALUE_LABELS,
    shareable_label,
    subfield_label,
)
from palermo.identification.models import DecisionResult, Outcome
from palermo.permissions import ActingUser, personal_record_scope
from palermo.referrals.access import referral_access_holds, with_recipient_access
from palermo.referrals.models import Referral
from palermo.referrals.selectors import referral_queryset_for
from palermo.web.languages import language_names

VOCABULARY_OF = {
    "exploitation_types": "type_of_exploitation",
    "methods_of_control": "methods_of_control",
    "trafficking_status": "trafficking_status",
}


def _text(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "languages" and isinstance(value, list):
        return ", ".join(language_names(value))
    if key in VOCABULARY_OF:
        values = value if isinstance(value, list) else [value]
        return ", ".join(vocabularies.label(VOCABULARY_OF[key], str(v)) for v in values)
    if key in VALUE_LABELS and isinstance(value, str):
        return str(VALUE_LABELS[key].get(value, value))
    if isinstance(value, str):
        return _value_label(value)
    if isinstance(value, list):
        return "; ".join(
            ", ".join(f"{subfield_label(k)}: {_text(k, v)}" for k, v in item.items() if v and k not in HIDDEN_SUBFIELDS)
            if isinstance(item, dict)
            else str(item)
            for item in value
        )
    return str(value)


def _value_label(value: Any) -> str:
    """Screening outcomes and decision results by their label, anything else as it is."""
    labels = {**dict(Outcome.choices), **dict(DecisionResult.choices)}
    return str(labels.get(value, value))


@dataclass(frozen=True)
class SharedItem:
    code: str
    label: str
    value: Any

    @property
    def rows(self) -> list[tuple[str, str]]:
        """Sub-field label and display text, for the page and the PDF."""
        if isinstance(self.value, dict):
            return [(subfield_label(k), _text(k, v)) for k, v in self.value.items() if k not in HIDDEN_SUBFIELDS]
        return [(self.label, _text(self.code, self.value))]


@dataclass(frozen=True)
class SharedView:
    referral: Referral
    case_reference: str
    from_organisation: str
    services: list[tuple[str, str]]
    note: str
    items: list[SharedItem]

    @property
    def field_codes(self) -> list[str]:
        return [item.code for item in self.items]

    def as_json(self) -> dict[str, Any]:
        referral = self.referral
        return {
            "id": referral.pk,
            "case_reference": self.case_reference,
            "from_organisation": {"id": referral.organisation_id, "name": self.from_organisation},
            "to_organisation": referral.to_organisation_id,
            "services": [code for code, _label in self.services],
            "status": referral.status,
            "sent_at": referral.sent_at.isoformat(),
            "acknowledge_by": referral.acknowledge_by.isoformat(),
            "note": self.note,
            "shared": {item.code: item.value for item in self.items},
        }


def covered_fields(referral: Referral, *, access: bool) -> list[str]:
    """The fields that may cross while the recipient has `access`: those the referral names and its
    consent (or legal basis) covers; none once access has ended."""
    if not access:
        return []
    basis = referral.legal_basis if referral.legal_basis_id else referral.consent
    allowed = set(basis.fields if basis else [])
    return [code for code in referral.fields if code in allowed and code in SHAREABLE_FIELDS]


def shared_view(referral: Referral, for_actor: ActingUser) -> SharedView:
    """The referral as the acting user may see it, audited once with the field codes shown.

    Only the recipient's members (or the sender's) get anything; for the recipient the access rule
    must hold, or this answers 404 like a referral that never existed. The rule is evaluated once
    (with the read when the referral comes from `referral_view_for`).
    """
    organisation_id = for_actor.membership.organisation_id if for_actor.membership else None
    if organisation_id not in (referral.organisation_id, referral.to_organisation_id):
        raise Http404
    access = referral_access_holds(referral)
    if organisation_id == referral.to_organisation_id and not access:
        raise Http404
    case = referral.case
    # A sender's coordinator may manage referrals but never sees a person: the status without the content.
    sees_people = personal_record_scope(for_actor) is not None
    items = [
        SharedItem(code=code, label=shareable_label(code), value=SHAREABLE_FIELDS[code].getter(case))
        for code in (covered_fields(referral, access=access) if sees_people else [])
    ]
    audit_record(
        acting=for_actor, action="referral.shared_view", target=referral, detail={"fields": [i.code for i in items]}
    )
    return SharedView(
        referral=referral,
        case_reference=case.reference,
        from_organisation=referral.organisation.name,
        services=[(code, service_label(code)) for code in referral.services],
        note=referral.note if sees_people else "",
        items=items,
    )


def referral_view_for(*, acting: ActingUser, referral_id: int | str) -> SharedView:
    """One referral as the acting user may see it, for its page, summary, PDF and API read.

    One read: the acting user's scoped referrals, with the access rule answered by the same query, then
    the shared view and its one audit entry. 404 alike for missing, out of scope, and for a recipient
    whose access has ended.
    """
    try:
        referral = with_recipient_access(referral_queryset_for(acting)).get(pk=int(referral_id))
    except (Referral.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    return shared_view(referral, acting)
