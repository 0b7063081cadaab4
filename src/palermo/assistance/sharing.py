"""What the assistance app gives the consent projection, for the codes `risk` and `assistance_plan`.

palermo.consent.shareable lists these getters with every other shareable field. They return plain,
JSON-able values and never a note: a receiving organisation learns the level and the dates, and
which services are planned by whom, not what the workers wrote.
"""

from __future__ import annotations

from typing import Any

from palermo.assistance.models import PlanItem, RiskAssessment
from palermo.assistance.selectors import risk_summary_for
from palermo.cases.models import Case


def shared_risk(case: Case) -> dict[str, Any] | None:
    summary = risk_summary_for(case)
    current: RiskAssessment | None = summary.current
    if current is None:
        return None
    return {
        "level": current.level,
        "assessed_on": current.assessed_on.isoformat(),
        "review_on": summary.next_review_on.isoformat() if summary.next_review_on else None,
    }


def shared_assistance_plan(case: Case) -> list[dict[str, Any]]:
    items = PlanItem.objects.filter(case=case).select_related("provider_organisation").order_by("starts_on", "id")
    return [
        {
            "service": item.service,
            "service_label": item.service_label,
            "variant": item.variant,
            "provider": item.provider,
            "status": item.status,
            "starts_on": item.starts_on.isoformat() if item.starts_on else None,
            "ends_on": item.ends_on.isoformat() if item.ends_on else None,
        }
        for item in items
    ]
