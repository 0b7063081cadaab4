"""API for referrals: the same selectors and services as the pages.

A referral outside the acting user's reach (or whose access has ended for the recipient) is 404; a role
without the capability is 403.
"""

from __future__ import annotations

from typing import Any, cast

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from palermo.api.errors import error_body, error_responses
from palermo.api.fields import IntegerField
from palermo.api.pagination import PagePagination
from palermo.api.views import PalermoApiView
from palermo.audit.services import audit_record
from palermo.cases.api import MANAGE
from palermo.cases.selectors import case_get_for
from palermo.consent.api import SERVICES_HELP, SHAREABLE_HELP, shared_fields_input
from palermo.organisations.models import Organisation
from palermo.permissions import ActingUser, Capability
from palermo.referrals import selectors, services
from palermo.referrals.models import ReferralStatus
from palermo.referrals.services import ConsentRuleError
from palermo.referrals.sharing import SharedView, referral_view_for, shared_view

# Who reads referrals: those who manage cases (sent and received), coordinators (sent, to revoke stale
# ones, without personal data), and those who see the people of the cases referred (sent).
VIEW_REFERRALS = (
    Capability.CASE_MANAGE,
    Capability.REFERRAL_REVOKE,
    Capability.PERSON_VIEW_OWN,
    Capability.PERSON_VIEW_ORGANISATION,
)

CONSENT_RULES = (
    "consent_missing, consent_other_organisation, consent_other_purpose, consent_withdrawn, consent_refused, "
    "consent_service_not_covered, consent_field_not_covered, legal_basis_field_not_covered"
)


# --- Lists ---------------------------------------------------------------------------------------------


class ReferralListInput(serializers.Serializer):
    box = serializers.ChoiceField(
        choices=["received", "sent"], required=False, default="received", help_text="Received (default) or sent."
    )


class ReferralRowOutput(serializers.Serializer):
    """A line of a referral list: references, organisations, codes and dates, nothing personal."""

    id = IntegerField(source="pk")
    case_reference = serializers.CharField()
    from_organisation = IntegerField(source="organisation_id")
    to_organisation = IntegerField(source="to_organisation_id")
    services = serializers.ListField(child=serializers.CharField(), help_text=SERVICES_HELP)
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    sent_at = serializers.DateTimeField()
    acknowledge_by = serializers.DateField()
    overdue = serializers.BooleanField(help_text="Nobody answered by the acknowledgement deadline.")


# --- One referral --------------------------------------------------------------------------------------


class ReferralFromOutput(serializers.Serializer):
    id = IntegerField(source="referral.organisation_id")
    name = serializers.CharField(source="from_organisation")


# What only the sending organisation reads: what it decided itself.
SENDER_ONLY = ("case", "fields", "consent", "legal_basis", "decline_reason")


class ReferralOutput(serializers.Serializer):
    """A referral as the caller may see it (a `SharedView`); the sender's fields only for the sender."""

    id = IntegerField(source="referral.pk")
    case_reference = serializers.CharField()
    from_organisation = ReferralFromOutput(source="*")
    to_organisation = IntegerField(source="referral.to_organisation_id")
    services = serializers.SerializerMethodField(help_text=SERVICES_HELP)
    status = serializers.ChoiceField(source="referral.status", choices=ReferralStatus.choices)
    sent_at = serializers.DateTimeField(source="referral.sent_at")
    acknowledge_by = serializers.DateField(source="referral.acknowledge_by")
    note = serializers.CharField(allow_blank=True)
    shared = serializers.SerializerMethodField(
        help_text="Only the fields the consent (or legal basis) covers, keyed by field code; empty once it ends."
    )
    case = IntegerField(source="referral.case_id", required=False, help_text="Sender only.")
    # A field named like a Serializer attribute: DRF takes it out of the class, it hides nothing.
    fields = serializers.ListField(  # type: ignore[assignment]
        source="referral.fields",
        child=serializers.CharField(),
        required=False,
        help_text=f"Sender only: the fields the referral names. {SHAREABLE_HELP}",
    )
    consent = IntegerField(source="referral.consent_id", allow_null=True, required=False, help_text="Sender only.")
    legal_basis = IntegerField(
        source="referral.legal_basis_id", allow_null=True, required=False, help_text="Sender only."
    )
    decline_reason = serializers.CharField(
        source="referral.decline_reason", allow_blank=True, required=False, help_text="Sender only."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_services(self, view: SharedView) -> list[str]:
        return [code for code, _label in view.services]

    @extend_schema_field(serializers.DictField())
    def get_shared(self, view: SharedView) -> dict[str, Any]:
        return {item.code: item.value for item in view.items}

    def to_representation(self, instance: SharedView) -> dict[str, Any]:
        body: dict[str, Any] = super().to_representation(instance)
        acting: ActingUser = self.context["acting"]
        if not (acting.membership and acting.membership.organisation_id == instance.referral.organisation_id):
            # The recipient gets the shared view only.
            for name in SENDER_ONLY:
                body.pop(name)
        return body


def _referral(view: SharedView, acting: ActingUser) -> Any:
    return ReferralOutput(view, context={"acting": acting}).data


class ReferralInput(serializers.Serializer):
    case = IntegerField()
    to_organisation = IntegerField()
    services = serializers.ListField(child=serializers.CharField(), allow_empty=False, help_text=SERVICES_HELP)
    fields = shared_fields_input(  # type: ignore[assignment]  # see ReferralOutput
        default=None, allow_null=True, required=False
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralListApi(PalermoApiView):
    capabilities = {"get": VIEW_REFERRALS, "post": MANAGE}
    pagination_class = PagePagination

    @extend_schema(
        parameters=[ReferralListInput], responses={200: ReferralRowOutput(many=True)}, operation_id="referrals_list"
    )
    def get(self, request: Request) -> Response:
        """Referrals received (`?box=received`, default) or sent (`?box=sent`), newest first: references and
        status only (the page read is audited)."""
        acting = self.acting
        query = ReferralListInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        sent = query.validated_data["box"] == "sent"
        queryset = selectors.referral_outbox_for(acting=acting) if sent else selectors.referral_inbox_for(acting=acting)
        page = selectors.referral_rows(self.page_of(cast(Any, selectors.ReferralRowPages(queryset))))
        if page:
            audit_record(acting=acting, action="referral.list", detail={"ids": [r.pk for r in page]})
        return self.page_response(ReferralRowOutput(page, many=True).data)

    @extend_schema(
        request=ReferralInput,
        responses={201: ReferralOutput, **error_responses(400, 404)},
        description="Refer a case to another organisation for named services. `fields` left out: everything "
        "the consent (or legal basis) covers. Refused with 400 and one of these error codes when consent does "
        f"not allow it: {CONSENT_RULES}.",
    )
    def post(self, request: Request) -> Response:
        acting = self.acting
        data = ReferralInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = case_get_for(acting=acting, case_id=values["case"])
        to_organisation = get_object_or_404(Organisation, pk=values["to_organisation"])
        try:
            referral = services.referral_send(
                acting=acting,
                case=case,
                to_organisation=to_organisation,
                services=values["services"],
                fields=values["fields"],
                note=values["note"],
            )
        except ConsentRuleError as error:
            return Response(error_body(error.rule, error.text, {"consent": [error.text]}), status=400)
        return Response(_referral(shared_view(referral, acting), acting), status=status.HTTP_201_CREATED)


class ReferralDetailApi(PalermoApiView):
    capabilities = {"get": VIEW_REFERRALS}

    @extend_schema(responses={200: ReferralOutput, **error_responses(404)})
    def get(self, request: Request, referral_id: int) -> Response:
        """For the recipient: only the fields the consent covers, and the note; 404 once consent is withdrawn."""
        # One read, one check of the access rule and one audit entry, as for the page.
        view = referral_view_for(acting=self.acting, referral_id=referral_id)
        return Response(_referral(view, self.acting))


class ReferralAnswerOutput(serializers.Serializer):
    id = IntegerField(source="pk")
    status = serializers.ChoiceField(choices=ReferralStatus.choices)


class DeclineInput(serializers.Serializer):
    reason = serializers.CharField(help_text="Why, so the sender can find another service.")


class ReferralAcceptApi(PalermoApiView):
    capabilities = {"post": MANAGE}

    @extend_schema(request=None, responses={200: ReferralOutput, **error_responses(400, 403, 404)})
    def post(self, request: Request, referral_id: int) -> Response:
        """The recipient accepts (400 once answered; 403 for the sender). The answer is the shared view."""
        acting = self.acting
        referral = selectors.referral_get_for(acting=acting, referral_id=referral_id)
        referral = services.referral_accept(acting=acting, referral=referral)
        return Response(_referral(shared_view(referral, acting), acting))


class ReferralDeclineApi(PalermoApiView):
    capabilities = {"post": MANAGE}

    @extend_schema(request=DeclineInput, responses={200: ReferralAnswerOutput, **error_responses(400, 403, 404)})
    def post(self, request: Request, referral_id: int) -> Response:
        """The recipient declines, saying why (400 once answered; 403 for the sender)."""
        acting = self.acting
        referral = selectors.referral_get_for(acting=acting, referral_id=referral_id)
        data = DeclineInput(data=request.data)
        data.is_valid(raise_exception=True)
        referral = services.referral_decline(acting=acting, referral=referral, reason=data.validated_data["reason"])
        return Response(ReferralAnswerOutput(referral).data)


class ReferralRevokeApi(PalermoApiView):
    capabilities = {"post": Capability.REFERRAL_REVOKE}

    @extend_schema(request=None, responses={200: ReferralAnswerOutput, **error_responses(400, 403, 404)})
    def post(self, request: Request, referral_id: int) -> Response:
        """The sender takes back a referral nobody has answered yet (403 for the recipient)."""
        acting = self.acting
        referral = selectors.referral_get_for(acting=acting, referral_id=referral_id)
        referral = services.referral_revoke(acting=acting, referral=referral)
        return Response(ReferralAnswerOutput(referral).data)
