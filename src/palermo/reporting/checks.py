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


@checks.register("palermo")
def tip_routes_read_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A route whose organisation has nobody left who may triage tips: they arrive and wait, unread."""
    from palermo.reporting.selectors import tip_routes_reaching_nobody

    try:
        routes = tip_routes_reaching_nobody()
    except DatabaseError:
        return []
    return [
        checks.Warning(
            f"Tips about {route.exploitation} in {route.area or 'any area'} go to {route.organisation.name}, where "
            "nobody may triage tips: they wait unread.",
            hint=f"Give someone at {route.organisation.name} a role that triages tips, or route these tips elsewhere.",
            id="palermo.W041",
        )
        for route in routes
    ]
