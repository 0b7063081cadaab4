"""Pages resolve the acting membership once, here, and hand the acting user to the view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from palermo.permissions import ActingUser, Capability, can


def page(capability: Capability | None = None) -> Callable:
    """Signed-in page; with a capability, only for roles that hold it (403 otherwise)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            acting: ActingUser = getattr(request, "acting", None)  # type: ignore[assignment]
            if acting is None or acting.membership is None:
                return redirect_to_login(request.get_full_path())
            if acting.user is not None and acting.user.must_change_password:
                return redirect("accounts:password_change")
            if capability is not None and not can(acting, capability):
                raise PermissionDenied(capability.value)
            return view(request, acting, *args, **kwargs)

        return wrapper

    return decorate
