"""API for a case's assistance: pathway, plan and risk assessments, on the same services as the pages.

Validation errors of the services come back as 400 with the API's error shape (see api/errors.py);
a case or item outside the acting user's scope is 404, a role that may not write is 403.
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
from palermo.assistance import selectors, services
from palermo.assistance.models import (
    FactorRating,
    PlanItem,
    PlanStatus,
    ReviewEvent,
    RiskAssessment,
    RiskFactorKind,
    RiskLevel,
    ServiceVariant,
    StageStatus,
)
from palermo.audit.services import audit_record
from palermo.cases.selectors import case_get_for
from palermo.common import catalogue
from palermo.organisations.models import Organisation
from palermo.permissions import Capability

# Reading a case's assistance takes seeing the case; changing it, managing cases (services check the case too).
VIEW_CASE = (Capability.PERSON_VIEW_OWN, Capability.PERSON_VIEW_ORGANISATION)
MANAGE = Capability.CASE_MANAGE

# --- Output --------------------------------------------------------------------------------------------------


class ActivityOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like a Field attribute
    done = serializers.BooleanField()


class StageOutput(serializers.Serializer):
    stage = serializers.CharField(source="code")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like a Field attribute
    position = IntegerField()
    status = serializers.ChoiceField(choices=StageStatus.choices)
    is_current = serializers.BooleanField()
    is_late = serializers.BooleanField()
    started_on = serializers.DateField(allow_null=True)
    planned_end = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    activities = ActivityOutput(many=True)
    other_activities = serializers.ListField(child=serializers.CharField(), source="free_activities")
    responsible_organisation = IntegerField(allow_null=True, source="responsible_organisation_id")
    responsible_name = serializers.CharField()
    responsible_user = IntegerField(allow_null=True, source="responsible_user_id")


class RecoveryPeriodOutput(serializers.Serializer):
    started_on = serializers.DateField()
    ends_on = serializers.DateField()
    source = serializers.ChoiceField(choices=["decision", "manual"])  # type: ignore[assignment]  # a field named like a Field attribute
    is_running = serializers.BooleanField()


class ReturnOutput(serializers.Serializer):
    consent_given_on = serializers.DateField(allow_null=True)
    consent_language = serializers.CharField()
    confirmation_on = serializers.DateField(allow_null=True)
    confirmation_provider = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())


class PathwayOutput(serializers.Serializer):
    case = IntegerField()
    stages = StageOutput(many=True)
    recovery_period = RecoveryPeriodOutput(allow_null=True)
    return_preparation = ReturnOutput()


def _pathway(case: Any) -> dict[str, Any]:
    preparation = selectors.return_preparation_for(case)
    return PathwayOutput(
        {
            "case": case.pk,
            "stages": selectors.pathway_for(case),
            "recovery_period": selectors.recovery_periods_for([case]).get(case.pk),
            "return_preparation": {
                "consent_given_on": preparation.consent_given_on if preparation else None,
                "consent_language": preparation.consent_language if preparation else "",
                "confirmation_on": preparation.confirmation_on if preparation else None,
                "confirmation_provider": preparation.confirmation_provider if preparation else "",
                "missing": services.return_stage_missing(case),
            },
        }
    ).data


class StageInput(serializers.Serializer):
    stage = serializers.ChoiceField(choices=catalogue.STAGE_CODES)
    status = serializers.ChoiceField(choices=StageStatus.choices)
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    planned_end = serializers.DateField(required=False, allow_null=True, default=None)
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)
    activities = serializers.ListField(
        child=serializers.CharField(max_length=300),
        required=False,
        default=list,
        help_text='Keys of the scheme\'s activities ("catalogue:0", …) and free text for others.',
    )
    responsible_organisation = PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    responsible_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    responsible_user = IntegerField(required=False, allow_null=True, default=None)


class RecoveryInput(serializers.Serializer):
    started_on = serializers.DateField()


class PathwayApi(PalermoApiView):
    capabilities = {"get": VIEW_CASE, "post": MANAGE}

    @extend_schema(responses={200: PathwayOutput, **error_responses(404)})
    def get(self, request: Request, case_id: int) -> Response:
        """The case's pathway through the scheme of assistance, its recovery period and what return needs."""
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        audit_record(acting=acting, action="assistance.view", target=case)
        return Response(_pathway(case))

    @extend_schema(request=StageInput, responses={200: PathwayOutput, **error_responses(400, 403, 404)})
    def post(self, request: Request, case_id: int) -> Response:
        """Update one stage. The return stage refuses to start or finish without the recorded consent to
        return and the receiving provider's confirmation; the error says which is missing."""
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        data = StageInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["responsible_user_id"] = values.pop("responsible_user")
        services.pathway_stage_update(acting=acting, case=case, **values)
        return Response(_pathway(case))


# --- Plan --------------------------------------------------------------------------------------------------------


class PlanItemOutput(serializers.ModelSerializer):
    service_label = serializers.CharField(read_only=True)
    provider = serializers.CharField(read_only=True)
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "service",
            "service_label",
            "variant",
            "provider_organisation",
            "provider_name",
            "provider",
            "status",
            "is_late",
            "starts_on",
            "ends_on",
            "notes",
            "created_at",
            "updated_at",
        ]


class PlanItemInput(serializers.Serializer):
    service = serializers.ChoiceField(choices=catalogue.SERVICE_CODE_CHOICES)
    variant = serializers.ChoiceField(choices=ServiceVariant.choices, default=ServiceVariant.DESTINATION)
    provider_organisation = PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    provider_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=PlanStatus.choices, default=PlanStatus.PLANNED)
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class PlanApi(PalermoApiView):
    capabilities = {"get": VIEW_CASE, "post": MANAGE}

    @extend_schema(responses={200: PlanItemOutput(many=True), **error_responses(404)})
    def get(self, request: Request, case_id: int) -> Response:
        """The assistance plan of the case, by start date."""
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        audit_record(acting=acting, action="assistance.view", target=case)
        return Response(PlanItemOutput(selectors.plan_items_for(case), many=True).data)

    @extend_schema(request=PlanItemInput, responses={201: PlanItemOutput, **error_responses(400, 403, 404)})
    def post(self, request: Request, case_id: int) -> Response:
        """Add a service to the plan."""
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        data = PlanItemInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.plan_item_add(acting=acting, case=case, **data.validated_data)
        return Response(PlanItemOutput(item).data, status=status.HTTP_201_CREATED)


class PlanItemApi(PalermoApiView):
    capabilities = {"get": VIEW_CASE, "patch": MANAGE, "delete": MANAGE}

    @extend_schema(responses={200: PlanItemOutput, **error_responses(404)})
    def get(self, request: Request, case_id: int, item_id: int) -> Response:
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        item = selectors.plan_item_get_for(acting=acting, case=case, item_id=item_id)
        return Response(PlanItemOutput(item).data)

    @extend_schema(
        request=PlanItemInput(partial=True), responses={200: PlanItemOutput, **error_responses(400, 403, 404)}
    )
    def patch(self, request: Request, case_id: int, item_id: int) -> Response:
        """Change some fields, e.g. {"status": "delivered"}."""
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        item = selectors.plan_item_get_for(acting=acting, case=case, item_id=item_id)
        data = PlanItemInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        item = services.plan_item_update(acting=acting, item=item, **data.validated_data)
        return Response(PlanItemOutput(item).data)

    @extend_schema(request=None, responses={204: None, **error_responses(403, 404)})
    def delete(self, request: Request, case_id: int, item_id: int) -> Response:
        """Remove an item entered by mistake (a service that did not happen is better cancelled)."""
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        item = selectors.plan_item_get_for(acting=acting, case=case, item_id=item_id)
        services.plan_item_delete(acting=acting, item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Risk ------------------------------------------------------------------------------------------------------------


class RiskFactorOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RiskFactorKind.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like a Field attribute
    rating = serializers.ChoiceField(choices=FactorRating.choices)
    note = serializers.CharField()


class RiskAssessmentOutput(serializers.ModelSerializer):
    factors = RiskFactorOutput(many=True, read_only=True)
    assessed_by = serializers.CharField(source="assessed_by.email", read_only=True)

    class Meta:
        model = RiskAssessment
        fields = ["id", "assessed_on", "level", "review_on", "assessed_by", "factors", "created_at"]


class RiskReviewOutput(serializers.Serializer):
    id = IntegerField()
    event = serializers.ChoiceField(choices=ReviewEvent.choices)
    due_on = serializers.DateField()
    is_overdue = serializers.BooleanField()


class RiskOutput(serializers.Serializer):
    level = serializers.ChoiceField(choices=RiskLevel.choices, allow_null=True)
    next_review_on = serializers.DateField(allow_null=True)
    review_overdue = serializers.BooleanField()
    open_reviews = RiskReviewOutput(many=True)
    assessments = RiskAssessmentOutput(many=True, help_text="Newest first; every assessment is kept.")


class RiskFactorInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RiskFactorKind.choices)
    label = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")  # type: ignore[assignment]  # a field named like a Field attribute
    rating = serializers.ChoiceField(choices=FactorRating.choices)
    note = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class RiskAssessmentInput(serializers.Serializer):
    level = serializers.ChoiceField(choices=RiskLevel.choices, help_text="Set by the worker, never computed.")
    review_on = serializers.DateField()
    assessed_on = serializers.DateField(required=False, allow_null=True, default=None)
    factors = RiskFactorInput(many=True, required=False, default=list)


class RiskReviewInput(serializers.Serializer):
    event = serializers.ChoiceField(choices=ReviewEvent.choices)
    due_on = serializers.DateField()
    note = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


def _risk(case: Any) -> dict[str, Any]:
    summary = selectors.risk_summary_for(case)
    return RiskOutput(
        {
            "level": summary.current.level if summary.current else None,
            "next_review_on": summary.next_review_on,
            "review_overdue": summary.is_overdue,
            "open_reviews": summary.open_reviews,
            "assessments": summary.history,
        }
    ).data


class RiskAssessmentsApi(PalermoApiView):
    capabilities = {"get": VIEW_CASE, "post": MANAGE}

    @extend_schema(responses={200: RiskOutput, **error_responses(404)})
    def get(self, request: Request, case_id: int) -> Response:
        """The current risk level, the next review (flagged when overdue), open reviews and every assessment."""
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        audit_record(acting=acting, action="risk.list", target=case)
        return Response(_risk(case))

    @extend_schema(request=RiskAssessmentInput, responses={201: RiskAssessmentOutput, **error_responses(400, 403, 404)})
    def post(self, request: Request, case_id: int) -> Response:
        """Record a new assessment; it answers the reviews still open."""
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        data = RiskAssessmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        assessment = services.risk_assessment_record(
            acting=acting,
            case=case,
            level=values["level"],
            review_on=values["review_on"],
            assessed_on=values["assessed_on"],
            factors=[dict(f) for f in values["factors"]],
        )
        return Response(RiskAssessmentOutput(assessment).data, status=status.HTTP_201_CREATED)


class RiskReviewsApi(PalermoApiView):
    capabilities = {"post": MANAGE}

    @extend_schema(request=RiskReviewInput, responses={201: RiskReviewOutput, **error_responses(400, 403, 404)})
    def post(self, request: Request, case_id: int) -> Response:
        """Ask for a review after an event (before a court hearing, before return, after an incident)."""
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        data = RiskReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.risk_review_request(acting=acting, case=case, **data.validated_data)
        return Response(RiskReviewOutput(review).data, status=status.HTTP_201_CREATED)


class RecoveryPeriodApi(PalermoApiView):
    capabilities = {"post": MANAGE}

    @extend_schema(request=RecoveryInput, responses={200: PathwayOutput, **error_responses(400, 403, 404)})
    def post(self, request: Request, case_id: int) -> Response:
        """Record the start of the recovery and reflection period by hand (a decision taken outside Palermo)."""
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        data = RecoveryInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.recovery_period_start(acting=acting, case=case, **data.validated_data)
        return Response(_pathway(case))


class ReturnConsentInput(serializers.Serializer):
    given_on = serializers.DateField()
    language = serializers.CharField(max_length=16)


class ReturnConfirmationInput(serializers.Serializer):
    confirmed_on = serializers.DateField()
    organisation = PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    provider_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReturnConsentApi(PalermoApiView):
    capabilities = {"post": MANAGE}

    @extend_schema(request=ReturnConsentInput, responses={200: PathwayOutput, **error_responses(400, 403, 404)})
    def post(self, request: Request, case_id: int) -> Response:
        """Record the person's written, informed consent to return (date and language; you are the recorder)."""
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        data = ReturnConsentInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.return_consent_record(acting=acting, case=case, **data.validated_data)
        return Response(_pathway(case))


class ReturnConfirmationApi(PalermoApiView):
    capabilities = {"post": MANAGE}

    @extend_schema(request=ReturnConfirmationInput, responses={200: PathwayOutput, **error_responses(400, 403, 404)})
    def post(self, request: Request, case_id: int) -> Response:
        """Record that a provider in the country of origin confirmed it will receive the person."""
        acting = self.acting
        case = case_get_for(acting=acting, case_id=case_id)
        data = ReturnConfirmationInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.return_confirmation_record(acting=acting, case=case, **data.validated_data)
        return Response(_pathway(case))
