"""API: the directory of organisations and the caller's own membership."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palermo.api.authentication import api_actor
from palermo.organisations.models import Organisation
from palermo.organisations.selectors import organisation_directory
from palermo.permissions import capabilities


class OrganisationOutput(serializers.ModelSerializer):
    type_label = serializers.CharField(source="get_type_display")

    class Meta:
        model = Organisation
        fields = ["id", "name", "type", "type_label", "country", "region", "municipality"]


class OrganisationListApi(ListAPIView):
    """Organisations in the directory (no personal data)."""

    serializer_class = OrganisationOutput

    def get_queryset(self):
        return organisation_directory(actor=api_actor(self.request))


class MeOutput(serializers.Serializer):
    email = serializers.EmailField()
    organisation = OrganisationOutput()
    role = serializers.CharField()
    role_label = serializers.CharField()
    capabilities = serializers.ListField(child=serializers.CharField())


class MeApi(APIView):
    """Who the token acts as: user, organisation, role and what that role may do."""

    @extend_schema(responses=MeOutput)
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        assert actor.membership is not None
        assert actor.user is not None
        data = {
            "email": actor.user.email,
            "organisation": actor.membership.organisation,
            "role": actor.membership.role,
            "role_label": actor.membership.get_role_display(),
            "capabilities": sorted(c.value for c in capabilities(actor)),
        }
        return Response(MeOutput(data).data)
