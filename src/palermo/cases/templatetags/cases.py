"""`{% case_links person=... %}` / `{% case_links screening=... %}`: a person's open cases and a button to open one.

One line in another app's template (person page, screening page) without that app knowing about cases.
"""

from __future__ import annotations

from typing import Any

from django import template

from palermo.cases.selectors import case_queryset_for
from palermo.permissions import ActingUser, Capability, can

register = template.Library()


@register.inclusion_tag("cases/case_links.html", takes_context=True)
def case_links(context: dict[str, Any], person: Any = None, screening: Any = None) -> dict[str, Any]:
    acting: ActingUser | None = getattr(context.get("request"), "acting", None)
    if acting is None:
        return {"show": False}
    person_id = person.pk if person is not None else getattr(screening, "person_id", None)
    cases = list(case_queryset_for(acting).filter(person_id=person_id)) if person_id else []
    return {
        "show": True,
        "cases": cases,
        "may_open": can(acting, Capability.CASE_OPEN) and person_id is not None,
        "person_id": person_id if screening is None else None,
        "screening_id": screening.pk if screening is not None else None,
        "csrf_token": context.get("csrf_token"),
    }
