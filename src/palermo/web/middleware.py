"""Headers of every response: no browser or proxy keeps a copy of a page, and the content security policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers


def private_pages_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        # Static files are answered earlier by WhiteNoise and keep their long cache life.
        # Django's never-cache headers include `private`.
        add_never_cache_headers(response)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

    return middleware


# Set by django-csp's decorators on a response whose policy differs from the settings'.
_CHANGED_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_HEADERS: list[tuple[str, str, tuple[str, ...], str]] = []


def _policy_headers() -> list[tuple[str, str, tuple[str, ...], str]]:
    """(header, value, excluded URL prefixes, exemption attribute), built from the settings once."""
    if not _HEADERS:
        for header, setting, report_only, exempt in (
            (HEADER, "CONTENT_SECURITY_POLICY", False, "_csp_exempt"),
            (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True, "_csp_exempt_ro"),
        ):
            prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
            _HEADERS.append((header, build_policy(report_only=report_only), prefixes, exempt))
    return _HEADERS


@receiver(setting_changed)
def _forget_policy(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _HEADERS.clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the policy built once: it is the settings' own on every response
    that neither a decorator changed nor a nonce entered, and building it on each took longer than
    the rest of the security headers together. Any other response goes through django-csp as is."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _CHANGED_POLICY
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response  # Django's debug pages, as django-csp leaves them
        for header, value, prefixes, exempt in _policy_headers():
            exempted = getattr(response, exempt, False) is not False or request.path_info.startswith(prefixes)
            if value and header not in response and not exempted:
                response[header] = value
        # As django-csp does: asking for a nonce once the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
