"""API for the actor directory: the same selectors and services as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from palermo.api.errors import error_responses
from palermo.api.fields import PrimaryKeyRelatedField
from palermo.api.pagination import PagePagination
from palermo.api.views import PalermoApiView
from palermo.common.catalogue import SERVICE_CODE_CHOICES
from palermo.directory import selectors, services
from palermo.directory.models import ActorType, DirectoryEntry, Level, Stage
from palermo.organisations.models import Organisation
from palermo.permissions import Capability


class DirectoryEntryOutput(serializers.ModelSerializer):
    maintained_by = serializers.CharField(source="maintained_by.name")
    stages = serializers.ListField(child=serializers.ChoiceField(Stage.choices))
    services = serializers.ListField(
        child=serializers.CharField(), help_text="Codes of the shared assistance catalogue"
    )
    languages = serializers.ListField(child=serializers.CharField())

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


class DirectoryQuery(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", help_text="Text in the name or description")
    actor_type = serializers.ChoiceField(ActorType.choices, required=False, allow_blank=True, default="")
    level = serializers.ChoiceField(Level.choices, required=False, allow_blank=True, default="")
    stage = serializers.ChoiceField(Stage.choices, required=False, allow_blank=True, default="")
    service = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="A service code of the shared catalogue"
    )
    always_open = serializers.BooleanField(required=False, default=False)
    area = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Country code, region or municipality"
    )

    def filters(self) -> selectors.DirectoryFilters:
        values = self.validated_data
        return selectors.DirectoryFilters(
            text=values["q"],
            actor_type=values["actor_type"],
            level=values["level"],
            stage=values["stage"],
            service=values["service"],
            always_open=values["always_open"],
            area=values["area"],
        )


class DirectoryListApi(PalermoApiView):
    capabilities = {"get": Capability.DIRECTORY_VIEW, "post": Capability.PLANNING_MANAGE}
    pagination_class = PagePagination

    @extend_schema(parameters=[DirectoryQuery], responses={200: DirectoryEntryOutput(many=True)})
    def get(self, request: Request) -> Response:
        """Search the directory: every organisation in the response, on Palermo or not."""
        filters = DirectoryQuery(data=request.query_params)
        filters.is_valid(raise_exception=True)
        entries = selectors.directory_entry_list(acting=self.acting, filters=filters.filters())
        return self.page_response(DirectoryEntryOutput(self.page_of(entries), many=True).data)

    @extend_schema(request=DirectoryEntryInput, responses={201: DirectoryEntryOutput, **error_responses(400, 403)})
    def post(self, request: Request) -> Response:
        """Add an entry, maintained by your organisation (coordinators). Linking it to a Palermo organisation
        other than yours is refused (403)."""
        data = DirectoryEntryInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.directory_entry_create(acting=self.acting, **data.validated_data)
        return Response(DirectoryEntryOutput(entry).data, status=status.HTTP_201_CREATED)


class DirectoryDetailApi(PalermoApiView):
    capabilities = {"get": Capability.DIRECTORY_VIEW, "patch": Capability.PLANNING_MANAGE}

    @extend_schema(responses={200: DirectoryEntryOutput, **error_responses(404)})
    def get(self, request: Request, entry_id: int) -> Response:
        entry = selectors.directory_entry_get(acting=self.acting, entry_id=entry_id)
        return Response(DirectoryEntryOutput(entry).data)

    @extend_schema(
        request=DirectoryEntryInput(partial=True),
        responses={200: DirectoryEntryOutput, **error_responses(400, 403, 404)},
    )
    def patch(self, request: Request, entry_id: int) -> Response:
        """Change an entry your organisation maintains (coordinators); another's is refused (403)."""
        entry = selectors.directory_entry_get(acting=self.acting, entry_id=entry_id)
        data = DirectoryEntryInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        entry = services.directory_entry_update(acting=self.acting, entry=entry, **data.validated_data)
        return Response(DirectoryEntryOutput(entry).data)
