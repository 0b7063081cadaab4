"""One error shape for the whole API: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: "too_large",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


INVALID_FIELDS = "Some fields are not valid."


class ErrorDetailOutput(serializers.Serializer):
    code = serializers.CharField(help_text="A stable word to branch on (see docs/api-errors.md).")
    message = serializers.CharField(help_text="One sentence for a person.")
    fields = serializers.DictField(  # type: ignore[assignment]  # a field named like a Serializer attribute
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For `invalid`: the messages per field (dotted for nested ones); `{}` otherwise.",
    )


@extend_schema_serializer(component_name="Error")
class ErrorOutput(serializers.Serializer):
    """The body of every refusal (`error_body` builds it)."""

    error = ErrorDetailOutput()


WHEN = {
    400: "Invalid input: `error.fields` names each field at fault.",
    401: "No token, or an unknown, expired or revoked one.",
    403: "The token's role, or this record's rules, do not allow it.",
    404: "No such record for you (other organisations' records answer the same).",
    409: "A concurrent change: nothing was changed.",
    413: "The body is larger than the server accepts.",
    415: "The body is not in a media type this operation reads.",
    429: "Too many requests from here in a short time.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """`extend_schema(responses={200: Out, **error_responses(400, 404)})`: the refusals an operation gives."""
    return {code: OpenApiResponse(ErrorOutput, description=WHEN[code]) for code in statuses}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {key: [str(m) for m in (value if isinstance(value, list) else [value])] for key, value in detail.items()}
    return {"non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied("Your role may not do this.")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        response.data = error_body(code, INVALID_FIELDS, fields)
    else:
        detail = getattr(exc, "detail", "")
        response.data = error_body(code, str(detail) if detail else "Error.")
    return response


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


@csrf_exempt  # like every API view: a bearer-token client has no CSRF cookie, and gets a JSON 404
def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("not_found", "No such endpoint."), status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    # Django's own refusals (a malformed request it will not parse); the detail stays in the log.
    return JsonResponse(error_body("invalid", "The request could not be read."), status=400)


def server_error(request: HttpRequest) -> JsonResponse:
    # Never the exception's text: it may quote a record. Django has logged the error (path only) already.
    return JsonResponse(error_body("server_error", "Something went wrong on our side."), status=500)
