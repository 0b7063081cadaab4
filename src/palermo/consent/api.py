"""API for consents and legal bases: the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palermo.api.authentication import api_actor
from palermo.api.fields import PrimaryKeyRelatedField
from palermo.cases.selectors import case_get_for
from palermo.consent import selectors, services
from palermo.consent.models import Consent, ConsentPurpose, ConsentStatus, InformedHow, LegalBasis
from palermo.organisations.models import Organisation


class SharedFieldsMixin:
    """Adds `fields` (shareable field codes): a class attribute of that name would hide the serializer's own."""

    fields_default: Any = list

    def get_fields(self) -> dict[str, serializers.Field]:
        found: dict[str, serializers.Field] = super().get_fields()  # type: ignore[misc]
        found["fields"] = serializers.ListField(
            child=serializers.CharField(),
            default=self.fields_default,
            allow_null=self.fields_default is None,
            help_text="Shareable field codes: names, date_of_birth, sex_gender, citizenships, languages, safe_contact, "
            "residence_status, dependants, exploitation, trafficking_status, identification, risk, assistance_plan.",
        )
        return found


class ConsentSerializer(SharedFieldsMixin, serializers.ModelSerializer):
    organisation = PrimaryKeyRelatedField(
        source="recipient", queryset=Organisation.objects.all(), allow_null=True, required=False, default=None
    )
    status = serializers.ChoiceField(choices=[ConsentStatus.GIVEN, ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN])
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    informed_how = serializers.ChoiceField(choices=InformedHow.choices, required=False, default="")
    informed_language = serializers.CharField(required=False, default="", max_length=16)
    services = serializers.ListField(child=serializers.CharField(), default=list)

    class Meta:
        model = Consent
        fields = [
            "id",
            "case",
            "purpose",
            "organisation",
            "fields",
            "services",
            "status",
            "informed_language",
            "informed_how",
            "interpreter",
            "guardian",
            "best_interests_note",
            "recorded_by",
            "recorded_at",
            "withdrawn_at",
        ]
        read_only_fields = ["id", "case", "recorded_by", "recorded_at", "withdrawn_at"]
        extra_kwargs = {"guardian": {"required": False}, "best_interests_note": {"required": False}}


class CaseConsentListApi(APIView):
    @extend_schema(responses=ConsentSerializer(many=True))
    def get(self, request: Request, case_id: int) -> Response:
        case = case_get_for(actor=api_actor(request), case_id=case_id)
        return Response(ConsentSerializer(selectors.consents_of(case), many=True).data)

    @extend_schema(request=ConsentSerializer, responses={201: ConsentSerializer})
    def post(self, request: Request, case_id: int) -> Response:
        """Record consent for one purpose: status `given` or `refused`; for referral, name the organisation."""
        actor = api_actor(request)
        case = case_get_for(actor=actor, case_id=case_id)
        data = ConsentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        consent = services.consent_record(actor=actor, case=case, **values)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class ConsentWithdrawApi(APIView):
    @extend_schema(request=None, responses=ConsentSerializer)
    def post(self, request: Request, consent_id: int) -> Response:
        """The person withdrew consent: referrals resting on it stop sharing at once."""
        actor = api_actor(request)
        consent = selectors.consent_get_for(actor=actor, consent_id=consent_id)
        return Response(ConsentSerializer(services.consent_withdraw(actor=actor, consent=consent)).data)


class LegalBasisSerializer(SharedFieldsMixin, serializers.ModelSerializer):
    organisation = PrimaryKeyRelatedField(
        source="recipient", queryset=Organisation.objects.all(), allow_null=True, required=False, default=None
    )
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)

    class Meta:
        model = LegalBasis
        fields = ["id", "case", "purpose", "organisation", "fields", "provision", "note", "decided_by", "recorded_at"]
        read_only_fields = ["id", "case", "decided_by", "recorded_at"]
        extra_kwargs = {"note": {"required": False}}


class CaseLegalBasisListApi(APIView):
    @extend_schema(responses=LegalBasisSerializer(many=True))
    def get(self, request: Request, case_id: int) -> Response:
        case = case_get_for(actor=api_actor(request), case_id=case_id)
        return Response(LegalBasisSerializer(case.legal_bases.all(), many=True).data)

    @extend_schema(request=LegalBasisSerializer, responses={201: LegalBasisSerializer})
    def post(self, request: Request, case_id: int) -> Response:
        """A decision maker records that the law allows sharing without consent (e.g. child protection)."""
        actor = api_actor(request)
        case = case_get_for(actor=actor, case_id=case_id)
        data = LegalBasisSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        basis = services.legal_basis_record(actor=actor, case=case, **data.validated_data)
        return Response(LegalBasisSerializer(basis).data, status=status.HTTP_201_CREATED)
