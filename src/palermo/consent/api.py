"""API for consents and legal bases: the same selectors and services as the pages.

A case or consent outside the acting user's scope is 404; a role without the capability is 403.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from palermo.api.errors import error_responses
from palermo.api.fields import IntegerField, PrimaryKeyRelatedField
from palermo.api.views import PalermoApiView
from palermo.cases.api import MANAGE, VIEW_CASE
from palermo.cases.selectors import case_get_for
from palermo.consent import selectors, services
from palermo.consent.models import ConsentPurpose, ConsentStatus, InformedHow
from palermo.consent.shareable import SHAREABLE_FIELDS
from palermo.organisations.models import Organisation
from palermo.permissions import Capability

SHAREABLE_HELP = f"Shareable field codes: {', '.join(SHAREABLE_FIELDS)}."
SERVICES_HELP = "Codes of the assistance catalogue."


def shared_fields_input(**kwargs: Any) -> serializers.ListField:
    """The `fields` an input names (a consent's, a legal basis's, a referral's); the services check the codes."""
    return serializers.ListField(child=serializers.CharField(), help_text=SHAREABLE_HELP, **kwargs)


def recipient_input() -> PrimaryKeyRelatedField:
    return PrimaryKeyRelatedField(
        source="recipient",
        queryset=Organisation.objects.all(),
        allow_null=True,
        required=False,
        default=None,
        help_text="The organisation the information may go to (required for the purpose `referral`).",
    )


# --- Consents ------------------------------------------------------------------------------------------


class ConsentOutput(serializers.Serializer):
    id = IntegerField()
    case = IntegerField(source="case_id")
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    organisation = IntegerField(source="recipient_id", allow_null=True)
    # A field named like a Serializer attribute: DRF takes it out of the class, it hides nothing.
    fields = serializers.ListField(child=serializers.CharField(), help_text=SHAREABLE_HELP)  # type: ignore[assignment]
    services = serializers.ListField(child=serializers.CharField(), help_text=SERVICES_HELP)
    status = serializers.ChoiceField(choices=ConsentStatus.choices)
    informed_language = serializers.CharField(allow_blank=True)
    informed_how = serializers.ChoiceField(
        choices=InformedHow.choices, allow_blank=True, help_text="Empty when it was not recorded."
    )
    interpreter = serializers.BooleanField()
    guardian = serializers.CharField(allow_blank=True)
    best_interests_note = serializers.CharField(allow_blank=True)
    recorded_by = IntegerField(source="recorded_by_id")
    recorded_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class ConsentInput(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    organisation = recipient_input()
    fields = shared_fields_input(default=list)  # type: ignore[assignment]  # see ConsentOutput
    services = serializers.ListField(child=serializers.CharField(), default=list, help_text=SERVICES_HELP)
    status = serializers.ChoiceField(choices=[ConsentStatus.GIVEN, ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN])
    informed_language = serializers.CharField(required=False, default="", max_length=16)
    informed_how = serializers.ChoiceField(choices=InformedHow.choices, required=False, default="")
    interpreter = serializers.BooleanField(required=False, default=False)
    guardian = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="For a child: who consented on their behalf."
    )
    best_interests_note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseConsentListApi(PalermoApiView):
    capabilities = {"get": VIEW_CASE, "post": MANAGE}

    @extend_schema(responses={200: ConsentOutput(many=True), **error_responses(404)})
    def get(self, request: Request, case_id: int) -> Response:
        """The case's consents, newest first."""
        case = case_get_for(acting=self.acting, case_id=case_id)
        return Response(ConsentOutput(selectors.consents_of(case), many=True).data)

    @extend_schema(request=ConsentInput, responses={201: ConsentOutput, **error_responses(400, 404)})
    def post(self, request: Request, case_id: int) -> Response:
        """Record consent for one purpose: status `given` or `refused`; for referral, name the organisation."""
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        data = ConsentInput(data=request.data)
        data.is_valid(raise_exception=True)
        consent = services.consent_record(acting=acting, case=case, **data.validated_data)
        return Response(ConsentOutput(consent).data, status=status.HTTP_201_CREATED)


class ConsentWithdrawApi(PalermoApiView):
    capabilities = {"post": MANAGE}

    @extend_schema(request=None, responses={200: ConsentOutput, **error_responses(400, 404)})
    def post(self, request: Request, consent_id: int) -> Response:
        """The person withdrew consent: referrals resting on it stop sharing at once (400 unless it was given)."""
        acting = self.acting
        consent = selectors.consent_get_for(acting=acting, consent_id=consent_id)
        return Response(ConsentOutput(services.consent_withdraw(acting=acting, consent=consent)).data)


# --- Legal bases ---------------------------------------------------------------------------------------


class LegalBasisOutput(serializers.Serializer):
    id = IntegerField()
    case = IntegerField(source="case_id")
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    organisation = IntegerField(source="recipient_id", allow_null=True)
    fields = serializers.ListField(child=serializers.CharField(), help_text=SHAREABLE_HELP)  # type: ignore[assignment]  # see ConsentOutput
    provision = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    decided_by = IntegerField(source="decided_by_id")
    recorded_at = serializers.DateTimeField()


class LegalBasisInput(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    organisation = recipient_input()
    fields = shared_fields_input(default=list)  # type: ignore[assignment]  # see ConsentOutput
    provision = serializers.CharField(max_length=300, help_text="The legal provision, e.g. an article of a law.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseLegalBasisListApi(PalermoApiView):
    capabilities = {"get": VIEW_CASE, "post": Capability.DECISION_RECORD}

    @extend_schema(responses={200: LegalBasisOutput(many=True), **error_responses(404)})
    def get(self, request: Request, case_id: int) -> Response:
        """The case's legal bases, newest first."""
        case = case_get_for(acting=self.acting, case_id=case_id)
        return Response(LegalBasisOutput(selectors.legal_bases_of(case), many=True).data)

    @extend_schema(request=LegalBasisInput, responses={201: LegalBasisOutput, **error_responses(400, 404)})
    def post(self, request: Request, case_id: int) -> Response:
        """A decision maker records that the law allows sharing without consent (e.g. child protection)."""
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        data = LegalBasisInput(data=request.data)
        data.is_valid(raise_exception=True)
        basis = services.legal_basis_record(acting=acting, case=case, **data.validated_data)
        return Response(LegalBasisOutput(basis).data, status=status.HTTP_201_CREATED)
