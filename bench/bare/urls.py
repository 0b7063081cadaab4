from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.urls import path

from bare.models import Organisation


def organisation(request: HttpRequest, pk: int) -> JsonResponse:
    """One row through the ORM, as JSON: what the cheapest real Django endpoint does."""
    row = Organisation.objects.filter(pk=pk).values("id", "name", "type", "country").first()
    if row is None:
        raise Http404
    return JsonResponse(row)


urlpatterns = [path("organisations/<int:pk>", organisation)]
