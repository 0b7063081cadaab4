"""API for the good practices library."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from palermo.api.errors import error_responses
from palermo.api.fields import IntegerField
from palermo.api.views import PalermoApiView
from palermo.permissions import Capability
from palermo.practices import selectors


@extend_schema_serializer(component_name="GoodPracticeSource")
class PracticeSourceOutput(serializers.Serializer):
    document = serializers.CharField()
    section = serializers.CharField()


@extend_schema_serializer(component_name="GoodPractice")
class PracticeOutput(serializers.Serializer):
    slug = serializers.CharField()
    version = IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    lesson = serializers.CharField()
    place = serializers.CharField()
    source = PracticeSourceOutput()  # type: ignore[assignment]  # a field named like a Field attribute
    areas = serializers.ListField(child=serializers.CharField())
    stages = serializers.ListField(child=serializers.CharField())
    levels = serializers.ListField(child=serializers.CharField())
    forms = serializers.ListField(child=serializers.CharField())


class PracticeFilters(serializers.Serializer):
    area = serializers.CharField(required=False, allow_blank=True, default="")
    stage = serializers.CharField(required=False, allow_blank=True, default="")
    level = serializers.CharField(required=False, allow_blank=True, default="")
    form = serializers.CharField(required=False, allow_blank=True, default="")


class PracticeListApi(PalermoApiView):
    capabilities = {"get": Capability.DIRECTORY_VIEW}

    @extend_schema(
        parameters=[PracticeFilters],
        responses={200: PracticeOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        """Good practices, filtered by their tags; texts in the request's language (en, fr)."""
        filters = PracticeFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        practices = selectors.practice_list(acting=self.acting, **filters.validated_data)
        return Response(PracticeOutput([p.as_dict() for p in practices], many=True).data)


class PracticeDetailApi(PalermoApiView):
    capabilities = {"get": Capability.DIRECTORY_VIEW}

    @extend_schema(responses={200: PracticeOutput, **error_responses(404)})
    def get(self, request: Request, slug: str) -> Response:
        return Response(PracticeOutput(selectors.practice_get(acting=self.acting, slug=slug).as_dict()).data)
