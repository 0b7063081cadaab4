"""API for people records: the same selectors and services as the pages."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palermo.api.authentication import api_actor
from palermo.api.pagination import PagePagination
from palermo.people import selectors, services
from palermo.people.models import Person


class PersonOutput(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "given_names", "family_name", "date_of_birth", "created_at", "updated_at"]


class PersonInput(serializers.Serializer):
    given_names = serializers.CharField(max_length=200)
    family_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_date_of_birth(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError("The date of birth cannot be in the future.")
        return value


class PersonListApi(APIView):
    @extend_schema(responses=PersonOutput(many=True))
    def get(self, request: Request) -> Response:
        """People your role may see in your organisation, newest first."""
        actor = api_actor(request)
        paginator = PagePagination()
        page = paginator.paginate_queryset(selectors.person_list_for(actor=actor), request, view=self) or []
        selectors.person_list_audited(actor=actor, people=page)
        return paginator.get_paginated_response(PersonOutput(page, many=True).data)

    @extend_schema(request=PersonInput, responses={201: PersonOutput})
    def post(self, request: Request) -> Response:
        """Record a person."""
        data = PersonInput(data=request.data)
        data.is_valid(raise_exception=True)
        person = services.person_create(actor=api_actor(request), **data.validated_data)
        return Response(PersonOutput(person).data, status=status.HTTP_201_CREATED)


class PersonSearchInput(serializers.Serializer):
    name = serializers.CharField(max_length=400, help_text="Exact full name; case and accents are ignored.")


class PersonSearchApi(APIView):
    """Find people by exact full name. A POST, so that no name ends up in a URL or an access log."""

    @extend_schema(request=PersonSearchInput, responses=PersonOutput(many=True))
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        data = PersonSearchInput(data=request.data)
        data.is_valid(raise_exception=True)
        paginator = PagePagination()
        found = selectors.person_find_by_name(actor=actor, full_name=data.validated_data["name"])
        page = paginator.paginate_queryset(found, request, view=self) or []
        selectors.person_list_audited(actor=actor, people=page)
        return paginator.get_paginated_response(PersonOutput(page, many=True).data)


class PersonDetailApi(APIView):
    @extend_schema(responses=PersonOutput)
    def get(self, request: Request, person_id: int) -> Response:
        person = selectors.person_get_for(actor=api_actor(request), person_id=person_id)
        return Response(PersonOutput(person).data)

    @extend_schema(request=PersonInput, responses=PersonOutput)
    def put(self, request: Request, person_id: int) -> Response:
        actor = api_actor(request)
        person = selectors.person_get_for(actor=actor, person_id=person_id)
        data = PersonInput(data=request.data)
        data.is_valid(raise_exception=True)
        person = services.person_update(actor=actor, person=person, **data.validated_data)
        return Response(PersonOutput(person).data)
