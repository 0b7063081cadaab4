from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from palermo.permissions import Capability, can


def shell(request: HttpRequest) -> dict[str, Any]:
    acting = getattr(request, "acting", None)
    caps = {c.name: (can(acting, c) if acting is not None else False) for c in Capability}
    return {
        "acting": acting,
        "acting_membership": acting.membership if acting is not None else None,
        "memberships": getattr(request, "memberships", []),
        "can": caps,
        "demo_mode": settings.DEMO,
    }
