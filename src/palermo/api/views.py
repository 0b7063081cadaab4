"""The bases of every API view: who acts is resolved once, and what each method needs is declared.

An authenticated view names, per HTTP method, the capability its caller needs (any one of several
when a tuple is given; `ANY_ROLE` for every member's token). The check runs before the handler and
refuses with 403 in the API's error shape; the requirement is printed in the operation's OpenAPI
description (see `palermo.api.schema`). What a caller may see among the records stays the
selectors' business.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palermo.api.authentication import api_acting
from palermo.api.pagination import PagePagination
from palermo.permissions import ROLE_CAPABILITIES, ActingUser, Capability, can

Requirement = Capability | tuple[Capability, ...]

# Every active membership's token may call the method (a requirement stated, not forgotten).
ANY_ROLE: tuple[Capability, ...] = ()

_HANDLERS = ("get", "post", "put", "patch", "delete")


def any_of(requirement: Requirement) -> tuple[Capability, ...]:
    return requirement if isinstance(requirement, tuple) else (requirement,)


def roles_for(requirement: Requirement) -> list[str]:
    """The roles whose tokens meet the requirement, in the order of the capability table."""
    wanted = any_of(requirement)
    return [role for role, held in ROLE_CAPABILITIES.items() if not wanted or held & set(wanted)]


class PalermoApiView(APIView):
    """An authenticated endpoint. Subclasses set `capabilities = {"get": Capability.X, ...}`."""

    capabilities: ClassVar[dict[str, Requirement]] = {}
    # Set to PagePagination by the views whose GET answers one page of a list (the schema shows the envelope).
    pagination_class: ClassVar[type[PagePagination] | None] = None
    acting: ActingUser

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        missing = [m for m in _HANDLERS if hasattr(cls, m) and m not in cls.capabilities]
        if missing:
            raise ImproperlyConfigured(f"{cls.__name__} declares no capability for {', '.join(missing)}")

    @classmethod
    def requirement(cls, method: str) -> Requirement | None:
        """What the method needs; None for methods the view does not serve (OPTIONS and the like)."""
        method = method.lower()
        return cls.capabilities.get("get" if method == "head" else method)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication: a token of an active membership
        self.acting = api_acting(request)
        requirement = self.requirement(request.method or "")
        wanted = any_of(requirement) if requirement is not None else ()
        if wanted and not any(can(self.acting, capability) for capability in wanted):
            # Django's PermissionDenied: the error handler answers it like the services' refusals.
            raise PermissionDenied(wanted[0].value)

    def page_of(self, items: QuerySet[Any]) -> list[Any]:
        """The page of `items` the request asks for (`?page=`, `?page_size=`); a page past the end is a 404."""
        assert self.pagination_class is not None, f"{type(self).__name__} does not paginate"
        self.paginator = self.pagination_class()
        return list(self.paginator.paginate_queryset(items, self.request, view=self) or [])

    def page_response(self, results: Any) -> Response:
        """The page's envelope: count, next, previous and the results (built by the output serializer)."""
        return self.paginator.get_paginated_response(results)


class PublicApiView(APIView):
    """An endpoint anyone may call without a token (the public reporting form's API)."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
