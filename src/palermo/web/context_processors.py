from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from palermo.permissions import Capability, can


def shell(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    caps = {c.name: (can(actor, c) if actor is not None else False) for c in Capability}
    return {
        "actor": actor,
        "acting": actor.membership if actor is not None else None,
        "memberships": getattr(request, "memberships", []),
        "can": caps,
        "demo_mode": settings.DEMO,
    }
