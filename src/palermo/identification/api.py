"""API: the catalogues, and evaluation of a screening (stores nothing)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palermo.api.authentication import api_actor
from palermo.api.fields import IntegerField
from palermo.api.pagination import PagePagination
from palermo.identification import selectors, services
from palermo.identification.catalogues import Catalogue
from palermo.identification.models import DecisionResult, DecisionStage, IdentificationDecision, Screening
from palermo.identification.rules import PALERMO_ELEMENTS, EvaluationInputError, parse_input
from palermo.identification.selectors import catalogue_list
from palermo.identification.services import screening_evaluate


def catalogue_summary(catalogue: Catalogue) -> dict[str, Any]:
    return {
        "id": catalogue.id,
        "version": catalogue.version,
        "title": catalogue.title.get(),
        "form_of_exploitation": catalogue.form_of_exploitation,
        "audience": catalogue.audience,
        "has_strengths": catalogue.has_strengths,
        "source": {"document": catalogue.source.document, "section": catalogue.source.section},
        "dimensions": [
            {
                "id": d.id,
                "title": d.title.get(),
                "indicators": [{"id": i.id, "strength": i.strength, "text": i.text.get()} for i in d.indicators],
            }
            for d in catalogue.dimensions
        ],
    }


class CatalogueListApi(APIView):
    """The indicator catalogues, with their dimensions and indicators in the request's language."""

    pagination_class = None

    @extend_schema(responses=inline_serializer("Catalogue", {"id": serializers.CharField()}, many=True))
    def get(self, request: Request) -> Response:
        return Response([catalogue_summary(c) for c in catalogue_list()])


EVALUATE_EXAMPLE = {
    "catalogue": "ilo-2009-adult-labour",
    "age": 34,
    "answers": {
        "dr.nature_of_job": "yes",
        "ec.excessive_hours": "yes",
        "ec.low_or_no_salary": "yes",
        "cd.documents": "yes",
        "cd.threats": "yes",
        "cr.debt_bondage": "unknown",
    },
    "palermo": {"act": ["recruitment"], "means": ["deception"], "purpose": ["forced_labour_or_services"]},
}


class ScreeningEvaluateApi(APIView):
    """Evaluate answers against a catalogue. Nothing is stored; the same rules as the pages and the CLI."""

    @extend_schema(
        request=inline_serializer(
            "ScreeningEvaluateInput",
            {
                "catalogue": serializers.CharField(),
                "age": IntegerField(allow_null=True, required=False),
                "answers": serializers.DictField(child=serializers.ChoiceField(["yes", "no", "unknown"])),
                "palermo": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()),
                    required=False,
                    help_text=f"act, means and purpose: {PALERMO_ELEMENTS}",
                ),
            },
        ),
        responses=inline_serializer("ScreeningEvaluation", {"outcome": serializers.CharField()}),
        examples=[OpenApiExample("Adult, labour", value=EVALUATE_EXAMPLE, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        try:
            evaluation = screening_evaluate(data=request.data)
        except EvaluationInputError as error:
            raise serializers.ValidationError(error.fields) from None
        return Response(evaluation.as_dict())


# --- Screenings and decisions: the same services as the pages -------------------------------------


def screening_output(screening: Screening, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": screening.pk,
        "catalogue": screening.catalogue.catalogue_id,
        "catalogue_version": screening.catalogue.version,
        "reference": screening.reference,
        "status": "completed" if screening.is_complete else "in_progress",
        "outcome": screening.outcome or None,
        "person": screening.person_id,
        "created_at": screening.created_at,
        "completed_at": screening.completed_at,
        "referred_at": screening.referred_at,
    }
    if full:
        data["responses"] = screening.responses
        data["result"] = screening.result
        if screening.referred_at:
            status = selectors.identification_status(screening)
            data["identification"] = {
                "reasonable_grounds_due": status.grounds_due,
                "reasonable_grounds_overdue": status.grounds_overdue,
                "recovery_period_ends": status.recovery_ends,
                "reasonable_grounds": decision_output(status.grounds) if status.grounds else None,
                "conclusive": decision_output(status.conclusive) if status.conclusive else None,
            }
    return data


def decision_output(decision: IdentificationDecision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "stage": decision.stage,
        "result": decision.result,
        "decided_on": decision.decided_on,
        "reasoning": decision.reasoning,
        "information": decision.information,
        "decided_by": decision.decided_by.email,
        "supersedes": decision.supersedes_id,
        "created_at": decision.created_at,
    }


def _invalid(error: ValidationError | EvaluationInputError) -> serializers.ValidationError:
    if isinstance(error, EvaluationInputError):
        return serializers.ValidationError(error.fields)
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class ScreeningInput(serializers.Serializer):
    catalogue = serializers.CharField()
    reference = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    age = IntegerField(required=False, allow_null=True, default=None)
    answers = serializers.DictField(child=serializers.CharField(), required=False, default=dict)
    notes = serializers.DictField(child=serializers.CharField(max_length=2000), required=False, default=dict)
    palermo = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False, default=dict
    )
    complete = serializers.BooleanField(required=False, default=True)


class ScreeningListApi(APIView):
    @extend_schema(responses=inline_serializer("ScreeningSummary", {"id": IntegerField()}, many=True))
    def get(self, request: Request) -> Response:
        """Screenings your role may see, newest first."""
        paginator = PagePagination()
        actor = api_actor(request)
        page = paginator.paginate_queryset(selectors.screening_list_for(actor=actor), request, view=self) or []
        selectors.screening_list_audited(actor=actor, screenings=list(page))
        return paginator.get_paginated_response([screening_output(s) for s in page])

    @extend_schema(request=ScreeningInput, responses={201: inline_serializer("Screening", {"id": IntegerField()})})
    def post(self, request: Request) -> Response:
        """Record a whole screening at once: answers, notes and Palermo elements; completed unless complete=false."""
        actor = api_actor(request)
        data = ScreeningInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            with transaction.atomic():
                screening = services.screening_start(
                    actor=actor, catalogue_id=values["catalogue"], reference=values["reference"], age=values["age"]
                )
                catalogue = selectors.screening_catalogue(screening)
                unknown = set(values["answers"]) | set(values["notes"])
                for dimension in catalogue.dimensions:
                    ids = {i.id for i in dimension.indicators}
                    unknown -= ids
                    if not ids & (set(values["answers"]) | set(values["notes"])):
                        continue
                    services.screening_answer(
                        actor=actor,
                        screening=screening,
                        dimension_id=dimension.id,
                        answers={k: v for k, v in values["answers"].items() if k in ids},
                        notes={k: v for k, v in values["notes"].items() if k in ids},
                    )
                if unknown:
                    raise EvaluationInputError(
                        {"answers": [f"Not indicators of {catalogue.id}: {', '.join(sorted(unknown))}."]}
                    )
                if values["complete"]:
                    parse_input(catalogue, {"palermo": values["palermo"]})
                    screening = services.screening_complete(actor=actor, screening=screening, palermo=values["palermo"])
        except (ValidationError, EvaluationInputError) as error:
            raise _invalid(error) from None
        return Response(screening_output(screening, full=True), status=status.HTTP_201_CREATED)


class ScreeningDetailApi(APIView):
    @extend_schema(responses=inline_serializer("ScreeningDetail", {"id": IntegerField()}))
    def get(self, request: Request, screening_id: int) -> Response:
        screening = selectors.screening_get_for(actor=api_actor(request), screening_id=screening_id)
        return Response(screening_output(screening, full=True))


class ScreeningReferApi(APIView):
    @extend_schema(request=None, responses=inline_serializer("ScreeningReferred", {"id": IntegerField()}))
    def post(self, request: Request, screening_id: int) -> Response:
        """Refer a completed screening for an identification decision."""
        actor = api_actor(request)
        screening = selectors.screening_get_for(actor=actor, screening_id=screening_id)
        try:
            screening = services.screening_refer(actor=actor, screening=screening)
        except ValidationError as error:
            raise _invalid(error) from None
        return Response(screening_output(screening, full=True))


class DecisionInput(serializers.Serializer):
    stage = serializers.ChoiceField(choices=DecisionStage.choices)
    result = serializers.ChoiceField(choices=DecisionResult.choices)
    decided_on = serializers.DateField()
    reasoning = serializers.CharField(max_length=20000)
    information = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class DecisionListApi(APIView):
    @extend_schema(responses=inline_serializer("Decision", {"id": IntegerField()}, many=True))
    def get(self, request: Request, screening_id: int) -> Response:
        """Every decision on a referred screening, oldest first, reconsidered ones included."""
        screening = selectors.screening_get_for(actor=api_actor(request), screening_id=screening_id)
        return Response([decision_output(d) for d in selectors.decision_history(screening=screening)])

    @extend_schema(
        request=DecisionInput,
        responses={201: inline_serializer("DecisionRecorded", {"id": IntegerField()})},
    )
    def post(self, request: Request, screening_id: int) -> Response:
        """Record a reasonable-grounds or conclusive decision (decision makers only)."""
        actor = api_actor(request)
        screening = selectors.screening_get_for(actor=actor, screening_id=screening_id)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            decision = services.decision_record(actor=actor, screening=screening, **data.validated_data)
        except ValidationError as error:
            raise _invalid(error) from None
        return Response(decision_output(decision), status=status.HTTP_201_CREATED)
