"""API for the good practices library."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palermo.api.authentication import api_actor
from palermo.api.fields import IntegerField
from palermo.practices import selectors

PracticeOutput = inline_serializer(
    "GoodPractice",
    {
        "slug": serializers.CharField(),
        "version": IntegerField(),
        "title": serializers.CharField(),
        "summary": serializers.CharField(),
        "lesson": serializers.CharField(),
        "place": serializers.CharField(),
        "source": inline_serializer(
            "GoodPracticeSource", {"document": serializers.CharField(), "section": serializers.CharField()}
        ),
        "areas": serializers.ListField(child=serializers.CharField()),
        "stages": serializers.ListField(child=serializers.CharField()),
        "levels": serializers.ListField(child=serializers.CharField()),
        "forms": serializers.ListField(child=serializers.CharField()),
    },
)


class PracticeListApi(APIView):
    pagination_class = None

    @extend_schema(
        parameters=[OpenApiParameter(name, str) for name in ("area", "stage", "level", "form")],
        responses=PracticeOutput.__class__(many=True),
    )
    def get(self, request: Request) -> Response:
        """Good practices, filtered by their tags; texts in the request's language (en, fr)."""
        params = {k: request.query_params.get(k, "") for k in ("area", "stage", "level", "form")}
        practices = selectors.practice_list(actor=api_actor(request), **params)
        return Response([p.as_dict() for p in practices])


class PracticeDetailApi(APIView):
    @extend_schema(responses=PracticeOutput)
    def get(self, request: Request, slug: str) -> Response:
        return Response(selectors.practice_get(actor=api_actor(request), slug=slug).as_dict())
