"""Turning a tip into the record that acts on it: a draft screening, an inspection request.

Each kind is registered here with what it needs; `tip_convert` checks, creates, links the result
back to the tip and audits, whatever the kind. A third kind (a case, wired from the cases app)
is one more `register_conversion(...)` call, with no change to the pages or the API.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.audit.services import audit_record
from palermo.organisations.models import Organisation
from palermo.permissions import ActingUser, Capability, require
from palermo.reporting.models import (
    Exploitation,
    InspectionRequest,
    InspectionRequestStatus,
    Tip,
    TipConversion,
)


@dataclass(frozen=True)
class ConversionKind:
    kind: str
    label: str | Promise
    capability: Capability
    make: Callable[[ActingUser, Tip, Mapping[str, Any]], models.Model]
    url: Callable[[int], str]


CONVERSION_KINDS: dict[str, ConversionKind] = {}


def register_conversion(kind: ConversionKind) -> None:
    CONVERSION_KINDS[kind.kind] = kind


@transaction.atomic
def tip_convert(*, acting: ActingUser, tip: Tip, kind: str, data: Mapping[str, Any]) -> TipConversion:
    """Turn `tip` (from a scoped selector) into a record of `kind`, linked back to the tip."""
    require(acting, Capability.TIPS_TRIAGE)
    conversion_kind = CONVERSION_KINDS.get(kind)
    if conversion_kind is None:
        raise ValidationError({"kind": _("Choose what to turn the tip into.")})
    require(acting, conversion_kind.capability)
    made = conversion_kind.make(acting, tip, data)
    assert acting.user is not None
    assert tip.organisation_id is not None
    conversion = TipConversion.objects.create(
        tip=tip, organisation_id=tip.organisation_id, kind=kind, object_id=made.pk, created_by=acting.user
    )
    audit_record(acting=acting, action="tip.convert", target=tip, detail={"kind": kind, "object_id": made.pk})
    return conversion


def conversion_url(conversion: TipConversion) -> str:
    kind = CONVERSION_KINDS.get(conversion.kind)
    if kind is None:
        return ""
    return kind.url(conversion.object_id)


# --- Screening --------------------------------------------------------------------------------------

CATALOGUE_FOR = {
    Exploitation.LABOUR: "municipal-labour",
    Exploitation.SEXUAL: "municipal-sexual",
    Exploitation.BEGGING_CRIMINALITY: "municipal-begging-criminality",
}


def _screening(acting: ActingUser, tip: Tip, data: Mapping[str, Any]) -> models.Model:
    from palermo.identification.services import screening_start

    catalogue = str(data.get("catalogue") or CATALOGUE_FOR.get(tip.exploitation, "municipal-general"))  # type: ignore[call-overload]
    # The screening's pseudonymous reference points back at the tip; the person is met later.
    return screening_start(acting=acting, catalogue_id=catalogue, reference=_("Tip %(id)s") % {"id": tip.pk})


register_conversion(
    ConversionKind(
        kind="screening",
        label=gettext_lazy("A draft screening"),
        capability=Capability.SCREENING_CONDUCT,
        make=_screening,
        url=lambda pk: reverse("identification:detail", args=[pk]),
    )
)


# --- Inspection request -----------------------------------------------------------------------------

INSPECTION_LIMITS = {"place": 500, "scope": 3000}


def _inspection_request(acting: ActingUser, tip: Tip, data: Mapping[str, Any]) -> models.Model:
    assert acting.membership is not None
    assert acting.user is not None
    problems: dict[str, list[str]] = {}
    target = None
    with contextlib.suppress(TypeError, ValueError):
        target = Organisation.objects.filter(pk=int(data.get("target") or 0), is_active=True).first()
    if target is None:
        problems["target"] = [_("Choose the organisation that should inspect, such as the labour inspectorate.")]
    values = {}
    for name, limit in INSPECTION_LIMITS.items():
        value = data.get(name)
        value = value.strip() if isinstance(value, str) else ""
        if not value:
            problems[name] = [
                _("Say where the inspection should take place.")
                if name == "place"
                else _("Say what should be inspected.")
            ]
        elif len(value) > limit:
            problems[name] = [_("Keep this under %(limit)s characters.") % {"limit": limit}]
        values[name] = value
    if problems or target is None:
        raise ValidationError(problems)
    request = InspectionRequest.objects.create(
        organisation_id=acting.membership.organisation_id,
        tip=tip,
        target=target,
        place=values["place"],
        scope=values["scope"],
        created_by=acting.user,
    )
    audit_record(acting=acting, action="inspection_request.record", target=request, detail={"target": target.pk})
    return request


register_conversion(
    ConversionKind(
        kind="inspection_request",
        label=gettext_lazy("A recorded inspection request"),
        capability=Capability.TIPS_TRIAGE,
        make=_inspection_request,
        url=lambda pk: reverse("reporting:inspections") + f"#inspection-{pk}",
    )
)


@transaction.atomic
def inspection_request_set_status(
    *, acting: ActingUser, inspection: InspectionRequest, status: str
) -> InspectionRequest:
    require(acting, Capability.TIPS_TRIAGE)
    if status not in InspectionRequestStatus.values:
        raise ValidationError({"status": _("Choose one of the statuses.")})
    inspection.status = status
    inspection.save(update_fields=["status"])
    audit_record(acting=acting, action="inspection_request.status", target=inspection, detail={"status": status})
    return inspection
