"""The assistance panel: its context on the assistance page (with the edit forms) and, read-only, on the case page.

Beside the views rather than in selectors: it builds the forms, and domain modules never import forms.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from palermo.assistance import forms
from palermo.assistance.selectors import (
    pathway_for,
    plan_items_for,
    recovery_periods_for,
    return_preparation_for,
    risk_summary_for,
)
from palermo.audit.services import audit_record
from palermo.cases.models import Case
from palermo.permissions import ActingUser, Capability, can


def assistance_panel_context(*, acting: ActingUser, case: Case) -> dict[str, Any]:
    """Everything the assistance panel (`assistance/_case_panel.html`) shows for one case.

    `case` must come from `case_get_for` (scoped to the acting user), whose `case.view` entry already records
    that the case page was shown, panel included: a second entry per page would double the audit
    writes of the busiest page. The case page shows it read-only, with a link to the assistance page
    where it is edited: the edit forms (eight stages, plan, risk, return) are most of a case page's
    rendering time.
    """
    return panel_context(acting=acting, case=case, editable=False, audited=False)


def panel_context(
    *, acting: ActingUser, case: Case, bound: dict[str, Any] | None = None, editable: bool = True, audited: bool = True
) -> dict[str, Any]:
    """The panel, with `bound` forms (by key, or "stage:<code>") shown in place of blank ones after an error.

    Not `editable`: no forms, and a link to the assistance page for those who may change it. `audited`:
    record an `assistance.view` entry (the assistance page's own; the case page has its `case.view`)."""
    pathway = pathway_for(case)
    risk = risk_summary_for(case)
    manage = (
        can(acting, Capability.CASE_MANAGE)
        and acting.membership is not None
        and case.organisation_id == acting.membership.organisation_id
    )
    if audited:
        audit_record(acting=acting, action="assistance.view", target=case)
    plan_items = list(plan_items_for(case))
    context: dict[str, Any] = {
        "case": case,
        "pathway": pathway,
        "current_stage": next((s for s in pathway if s.is_current), None),
        "recovery_period": recovery_periods_for([case]).get(case.pk),
        "return_preparation": return_preparation_for(case),
        "plan_items": plan_items,
        "risk": risk,
        "can_manage": manage and editable,
        "edit_url": reverse("assistance:panel", kwargs={"case_id": case.pk}) if manage and not editable else "",
        "today": timezone.localdate(),
        "late_count": sum(1 for s in pathway if s.is_late) + sum(1 for i in plan_items if i.is_late),
    }
    if manage and editable:
        blank = forms.panel_forms(acting=acting, case=case, pathway=pathway)
        for key, form in (bound or {}).items():
            if key.startswith("stage:"):
                blank["stages"][key.removeprefix("stage:")] = form
            else:
                blank[key] = form
        context["forms"] = blank
        context["stage_rows"] = [(s, blank["stages"][s.code]) for s in pathway]
        context["plan_rows"] = [
            (i, forms.PlanItemStatusForm(prefix=f"item-{i.pk}", initial={"status": i.status})) for i in plan_items
        ]
    else:
        context["stage_rows"] = [(s, None) for s in pathway]
        context["plan_rows"] = [(i, None) for i in plan_items]
    return {"assistance": context}
