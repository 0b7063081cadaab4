"""Checks that run before any API view or middleware reads the request: size and NUL bytes."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from palermo.api.errors import INVALID_FIELDS, error_body
from palermo.api.parsers import nul_message

API_PREFIX = "/api/"


def _too_large(request: HttpRequest) -> JsonResponse | None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    # Multipart bodies carry files, which have their own, per-endpoint limits (see attachments.uploads).
    if limit is None or request.content_type == "multipart/form-data":
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= limit:
        return None
    message = _("The request body is larger than %(limit)d bytes.") % {"limit": limit}
    return JsonResponse(error_body("too_large", message), status=413)


def _nul_in_query(request: HttpRequest) -> JsonResponse | None:
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            name = key.replace("\x00", "") or "non_field_errors"
            return JsonResponse(error_body("invalid", INVALID_FIELDS, {name: [nul_message()]}), status=400)
    return None


def api_input_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Before the session, CSRF or DRF code touches the body: a refusal here reads and changes nothing."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            refused = _too_large(request) or _nul_in_query(request)
            if refused is not None:
                return refused
        return get_response(request)

    return middleware
