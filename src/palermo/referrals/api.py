"""API for referrals: the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any, cast

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palermo.api.authentication import api_actor
from palermo.api.errors import error_body
from palermo.api.fields import IntegerField
from palermo.api.pagination import PagePagination
from palermo.audit.services import audit_record
from palermo.cases.selectors import case_get_for
from palermo.consent.api import SharedFieldsMixin
from palermo.organisations.models import Organisation
from palermo.referrals import selectors, services
from palermo.referrals.models import Referral
from palermo.referrals.services import ConsentRuleError
from palermo.referrals.sharing import SharedView, referral_view_for, shared_view

CONSENT_RULES = (
    "consent_missing, consent_other_organisation, consent_other_purpose, consent_withdrawn, consent_refused, "
    "consent_service_not_covered, consent_field_not_covered, legal_basis_field_not_covered"
)


class ReferralInput(SharedFieldsMixin, serializers.Serializer):
    fields_default = None  # everything the consent (or legal basis) covers

    case = IntegerField()
    to_organisation = IntegerField()
    services = serializers.ListField(child=serializers.CharField(), allow_empty=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


ReferralOutput = inline_serializer(
    "Referral",
    {
        "id": IntegerField(),
        "case_reference": serializers.CharField(),
        "status": serializers.CharField(),
        "services": serializers.ListField(child=serializers.CharField()),
        "note": serializers.CharField(),
        "shared": serializers.DictField(help_text="Only the fields the consent covers, keyed by field code."),
    },
)


def _referral_json(referral: Referral, actor: Any, view: SharedView | None = None) -> dict[str, Any]:
    body = (view or shared_view(referral, actor)).as_json()
    if actor.membership and actor.membership.organisation_id == referral.organisation_id:
        # The sender's own view adds what it decided itself; the recipient gets the shared view only.
        body.update(
            {
                "case": referral.case_id,
                "fields": list(referral.fields),
                "consent": referral.consent_id,
                "legal_basis": referral.legal_basis_id,
                "decline_reason": referral.decline_reason,
            }
        )
    return body


class ReferralListApi(APIView):
    @extend_schema(responses=ReferralOutput, operation_id="referrals_list")
    def get(self, request: Request) -> Response:
        """Referrals received (`?box=received`, default) or sent (`?box=sent`), references and status only."""
        actor = api_actor(request)
        box = request.query_params.get("box", "received")
        queryset = (
            selectors.referral_outbox_for(actor=actor) if box == "sent" else selectors.referral_inbox_for(actor=actor)
        )
        paginator = PagePagination()
        page = selectors.referral_rows(
            paginator.paginate_queryset(cast(Any, selectors.ReferralRowPages(queryset)), request, view=self) or []
        )
        if page:
            audit_record(actor=actor, action="referral.list", detail={"ids": [r.pk for r in page]})
        return paginator.get_paginated_response(
            [
                {
                    "id": r.pk,
                    "case_reference": r.case_reference,
                    "from_organisation": r.organisation_id,
                    "to_organisation": r.to_organisation_id,
                    "services": r.services,
                    "status": r.status,
                    "sent_at": r.sent_at.isoformat(),
                    "acknowledge_by": r.acknowledge_by.isoformat(),
                    "overdue": r.overdue,
                }
                for r in page
            ]
        )

    @extend_schema(
        request=ReferralInput,
        responses={201: ReferralOutput},
        description=f"Refused with 400 and one of these error codes when consent does not allow it: {CONSENT_RULES}.",
    )
    def post(self, request: Request) -> Response:
        """Refer a case to another organisation for named services (codes of the assistance catalogue)."""
        actor = api_actor(request)
        data = ReferralInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = case_get_for(actor=actor, case_id=data.validated_data["case"])
        to_organisation = get_object_or_404(Organisation, pk=data.validated_data["to_organisation"])
        try:
            referral = services.referral_send(
                actor=actor,
                case=case,
                to_organisation=to_organisation,
                services=data.validated_data["services"],
                fields=data.validated_data["fields"],
                note=data.validated_data["note"],
            )
        except ConsentRuleError as error:
            return Response(error_body(error.rule, error.text, {"consent": [error.text]}), status=400)
        return Response(_referral_json(referral, actor), status=status.HTTP_201_CREATED)


class ReferralDetailApi(APIView):
    @extend_schema(responses=ReferralOutput)
    def get(self, request: Request, referral_id: int) -> Response:
        """For the recipient: only the fields the consent covers, and the note; 404 once consent is withdrawn."""
        actor = api_actor(request)
        # One read, one check of the access rule and one audit entry, as for the page.
        view = referral_view_for(actor=actor, referral_id=referral_id)
        return Response(_referral_json(view.referral, actor, view))


class DeclineInput(serializers.Serializer):
    reason = serializers.CharField()


class ReferralAcceptApi(APIView):
    @extend_schema(request=None, responses=ReferralOutput)
    def post(self, request: Request, referral_id: int) -> Response:
        actor = api_actor(request)
        referral = selectors.referral_get_for(actor=actor, referral_id=referral_id)
        return Response(_referral_json(services.referral_accept(actor=actor, referral=referral), actor))


class ReferralDeclineApi(APIView):
    @extend_schema(request=DeclineInput, responses=ReferralOutput)
    def post(self, request: Request, referral_id: int) -> Response:
        actor = api_actor(request)
        referral = selectors.referral_get_for(actor=actor, referral_id=referral_id)
        data = DeclineInput(data=request.data)
        data.is_valid(raise_exception=True)
        referral = services.referral_decline(actor=actor, referral=referral, reason=data.validated_data["reason"])
        return Response({"id": referral.pk, "status": referral.status})


class ReferralRevokeApi(APIView):
    @extend_schema(request=None, responses=ReferralOutput)
    def post(self, request: Request, referral_id: int) -> Response:
        """The sender takes back a referral nobody has answered yet."""
        actor = api_actor(request)
        referral = selectors.referral_get_for(actor=actor, referral_id=referral_id)
        referral = services.referral_revoke(actor=actor, referral=referral)
        return Response({"id": referral.pk, "status": referral.status})
