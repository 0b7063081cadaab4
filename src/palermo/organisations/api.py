"""API: the directory of organisations and the caller's own membership."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from palermo.api.pagination import PagePagination
from palermo.api.views import ANY_ROLE, PalermoApiView
from palermo.organisations.models import Organisation
from palermo.organisations.selectors import organisation_directory
from palermo.permissions import Capability
from palermo.permissions import capabilities as capabilities_of


class OrganisationOutput(serializers.ModelSerializer):
    type_label = serializers.CharField(source="get_type_display")

    class Meta:
        model = Organisation
        fields = ["id", "name", "type", "type_label", "country", "region", "municipality"]


class OrganisationListApi(PalermoApiView):
    """Organisations in the directory (no personal data)."""

    capabilities = {"get": Capability.DIRECTORY_VIEW}
    pagination_class = PagePagination

    @extend_schema(responses={200: OrganisationOutput(many=True)})
    def get(self, request: Request) -> Response:
        page = self.page_of(organisation_directory(acting=self.acting))
        return self.page_response(OrganisationOutput(page, many=True).data)


class MeOutput(serializers.Serializer):
    email = serializers.EmailField()
    organisation = OrganisationOutput()
    role = serializers.CharField()
    role_label = serializers.CharField()
    capabilities = serializers.ListField(child=serializers.CharField())


class MeApi(PalermoApiView):
    """Who the token acts as: user, organisation, role and what that role may do."""

    capabilities = {"get": ANY_ROLE}

    @extend_schema(responses={200: MeOutput})
    def get(self, request: Request) -> Response:
        acting = self.acting
        assert acting.membership is not None
        assert acting.user is not None
        data = {
            "email": acting.user.email,
            "organisation": acting.membership.organisation,
            "role": acting.membership.role,
            "role_label": acting.membership.get_role_display(),
            "capabilities": sorted(c.value for c in capabilities_of(acting)),
        }
        return Response(MeOutput(data).data)
