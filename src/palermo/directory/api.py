"""API for the actor directory: the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palermo.api.authentication import api_actor
from palermo.api.fields import PrimaryKeyRelatedField
from palermo.api.pagination import PagePagination
from palermo.common.catalogue import SERVICE_CODE_CHOICES
from palermo.directory import selectors, services
from palermo.directory.models import ActorType, DirectoryEntry, Level, Stage
from palermo.directory.selectors import DirectoryFilters
from palermo.organisations.models import Organisation


class DirectoryEntryOutput(serializers.ModelSerializer):
    maintained_by = serializers.CharField(source="maintained_by.name")

    class Meta:
        model = DirectoryEntry
        fields = [
            "id",
            "name",
            "actor_type",
            "level",
            "country",
            "region",
            "municipality",
            "stages",
            "services",
            "languages",
            "description",
            "opening_hours",
            "always_open",
            "safe_contact",
            "website",
            "linked_organisation",
            "maintained_by",
            "updated_at",
        ]


class DirectoryEntryInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    actor_type = serializers.ChoiceField(ActorType.choices)
    level = serializers.ChoiceField(Level.choices)
    country = serializers.RegexField(r"^[A-Z]{2}$", help_text="ISO 3166-1 alpha-2, e.g. AT")
    region = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    municipality = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    stages = serializers.ListField(child=serializers.ChoiceField(Stage.choices), required=False, default=list)
    services = serializers.ListField(
        child=serializers.ChoiceField(SERVICE_CODE_CHOICES),
        required=False,
        default=list,
        help_text="Codes of the shared assistance catalogue",
    )
    languages = serializers.ListField(child=serializers.CharField(max_length=2), required=False, default=list)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    opening_hours = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    always_open = serializers.BooleanField(required=False, default=False)
    safe_contact = serializers.CharField(required=False, allow_blank=True, default="")
    website = serializers.URLField(required=False, allow_blank=True, default="")
    linked_organisation = PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )


FILTERS = [
    OpenApiParameter("q", str, description="Text in the name or description"),
    OpenApiParameter("actor_type", str, enum=ActorType.values),
    OpenApiParameter("level", str, enum=Level.values),
    OpenApiParameter("stage", str, enum=Stage.values),
    OpenApiParameter("service", str, description="A service code of the shared catalogue"),
    OpenApiParameter("always_open", bool),
    OpenApiParameter("area", str, description="Country code, region or municipality"),
]


def _filters(params: Any) -> DirectoryFilters:
    return DirectoryFilters(
        text=params.get("q", ""),
        actor_type=params.get("actor_type", ""),
        level=params.get("level", ""),
        stage=params.get("stage", ""),
        service=params.get("service", ""),
        always_open=params.get("always_open", "").lower() in ("1", "true", "yes"),
        area=params.get("area", ""),
    )


class DirectoryListApi(APIView):
    @extend_schema(parameters=FILTERS, responses=DirectoryEntryOutput(many=True))
    def get(self, request: Request) -> Response:
        """Search the directory: every organisation in the response, on Palermo or not."""
        entries = selectors.directory_entry_list(actor=api_actor(request), filters=_filters(request.query_params))
        paginator = PagePagination()
        page = paginator.paginate_queryset(entries, request, view=self) or []
        return paginator.get_paginated_response(DirectoryEntryOutput(page, many=True).data)

    @extend_schema(request=DirectoryEntryInput, responses={201: DirectoryEntryOutput})
    def post(self, request: Request) -> Response:
        """Add an entry, maintained by your organisation (coordinators)."""
        data = DirectoryEntryInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.directory_entry_create(actor=api_actor(request), **data.validated_data)
        return Response(DirectoryEntryOutput(entry).data, status=status.HTTP_201_CREATED)


class DirectoryDetailApi(APIView):
    @extend_schema(responses=DirectoryEntryOutput)
    def get(self, request: Request, entry_id: int) -> Response:
        entry = selectors.directory_entry_get(actor=api_actor(request), entry_id=entry_id)
        return Response(DirectoryEntryOutput(entry).data)

    @extend_schema(request=DirectoryEntryInput(partial=True), responses=DirectoryEntryOutput)
    def patch(self, request: Request, entry_id: int) -> Response:
        """Change an entry your organisation maintains (coordinators)."""
        actor = api_actor(request)
        entry = selectors.directory_entry_get(actor=actor, entry_id=entry_id)
        data = DirectoryEntryInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        entry = services.directory_entry_update(actor=actor, entry=entry, **data.validated_data)
        return Response(DirectoryEntryOutput(entry).data)
