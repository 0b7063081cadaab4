"""Turning an anonymous tip into a case: a person known only by a pseudonymous reference, and a case.

Registered with the reporting app's conversions, so the tip page and the triage API offer it
without knowing about cases. Nothing of the tip's text is copied: the case links back to the tip,
and the case worker records what they learn when they meet the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.cases.services import case_note_add, case_open, case_update_exploitation
from palermo.people.services import person_create
from palermo.permissions import ActingUser, Capability, can
from palermo.reporting.conversions import ConversionKind, register_conversion
from palermo.reporting.models import Exploitation, Tip

# The tip form's "what kind of exploitation" in HTCDS terms; "other" and "don't know" give nothing.
EXPLOITATION_TYPES = {
    Exploitation.LABOUR: ["ForcedLabour"],
    Exploitation.SEXUAL: ["SexualExploitation"],
    Exploitation.BEGGING_CRIMINALITY: ["ForcedBegging"],
    Exploitation.DOMESTIC: ["Servitude"],
}


def case_from_tip(acting: ActingUser, tip: Tip, data: Mapping[str, Any]) -> models.Model:
    person = person_create(acting=acting)
    case = case_open(acting=acting, person=person)
    types = EXPLOITATION_TYPES.get(tip.exploitation, [])  # type: ignore[call-overload]
    if types and can(acting, Capability.CASE_MANAGE):
        case_update_exploitation(acting=acting, case=case, exploitation_types=types, methods_of_control=[])
    if can(acting, Capability.CASE_MANAGE):
        case_note_add(acting=acting, case=case, text=_("Opened from anonymous tip %(id)s.") % {"id": tip.pk})
    return case


def register() -> None:
    register_conversion(
        ConversionKind(
            kind="case",
            label=gettext_lazy("A case"),
            capability=Capability.CASE_OPEN,
            make=case_from_tip,
            url=lambda pk: reverse("cases:detail", args=[pk]),
        )
    )
