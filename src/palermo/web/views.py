"""The error pages (palermo/urls.py names them as Django's handlers)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

from palermo.api import errors as api_errors

# Under /api/ every error is JSON in the API's shape, even when Django answers before any API view.


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.bad_request(request, exception)
    return defaults.bad_request(request, exception or Exception())


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api_errors.is_api(request):
        return JsonResponse(api_errors.error_body("permission_denied", "Your role may not do this."), status=403)
    return render(request, "web/403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.not_found(request, exception)
    if request.path.startswith("/report/"):
        # The public side never hands out a cookie, not even a CSRF one on an error page.
        return render(request, "reporting/not_found.html", {"language": "en", "languages": []}, status=404)
    return render(request, "web/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.server_error(request)
    return defaults.server_error(request)
