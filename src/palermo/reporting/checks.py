"""`palermo check`: warn an operator whose deployment would hold tips that nobody reads."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import DatabaseError


@checks.register("palermo")
def fallback_tip_route_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from palermo.reporting.models import TipRoute

    try:
        fallback = TipRoute.objects.select_related("organisation").filter(exploitation=TipRoute.ANY, area="").first()
    except DatabaseError:
        return []  # no tables yet (before `migrate`): nothing to warn about
    hint = "Route all forms, anywhere: palermo tips route ORGANISATION --exploitation any"
    if fallback is None:
        return [
            checks.Warning(
                "There is no fallback tip route: tips that match no route are held, unread.",
                hint=hint,
                id="palermo.W040",
            )
        ]
    if not fallback.organisation.is_active:
        return [
            checks.Warning(
                "The fallback tip route goes to an inactive organisation: tips that match no route are held, unread.",
                hint=hint,
                id="palermo.W040",
            )
        ]
    return []
