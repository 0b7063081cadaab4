"""API: the catalogues, evaluation of a screening (stores nothing), screenings and decisions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from palermo.api.errors import error_responses
from palermo.api.fields import IntegerField
from palermo.api.pagination import PagePagination
from palermo.api.views import ANY_ROLE, PalermoApiView
from palermo.identification import selectors, services
from palermo.identification.catalogues import Catalogue
from palermo.identification.models import (
    DecisionResult,
    DecisionStage,
    Outcome,
    Screening,
)
from palermo.identification.rules import PALERMO_ELEMENTS, EvaluationInputError, parse_input
from palermo.identification.selectors import catalogue_list
from palermo.identification.services import screening_evaluate
from palermo.permissions import Capability

# Who reads screenings and decisions: those who see the people they are about.
VIEW_SCREENINGS = (Capability.PERSON_VIEW_OWN, Capability.PERSON_VIEW_ORGANISATION)
SCREENING_STATUSES = ["in_progress", "completed"]


# --- Catalogues ------------------------------------------------------------------------------------------


class SourceOutput(serializers.Serializer):
    document = serializers.CharField()
    section = serializers.CharField()


class IndicatorOutput(serializers.Serializer):
    id = serializers.CharField()
    strength = serializers.CharField(allow_null=True, help_text="strong, medium or weak; null when unweighted")
    text = serializers.CharField()


class DimensionOutput(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    indicators = IndicatorOutput(many=True)


class CatalogueOutput(serializers.Serializer):
    id = serializers.CharField()
    version = IntegerField()
    title = serializers.CharField()
    form_of_exploitation = serializers.CharField()
    audience = serializers.CharField()
    has_strengths = serializers.BooleanField()
    source = SourceOutput()  # type: ignore[assignment]  # a field named like a Field attribute
    dimensions = DimensionOutput(many=True)


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


class CatalogueListApi(PalermoApiView):
    """The indicator catalogues, with their dimensions and indicators in the request's language."""

    capabilities = {"get": ANY_ROLE}

    @extend_schema(responses={200: CatalogueOutput(many=True)})
    def get(self, request: Request) -> Response:
        return Response(CatalogueOutput([catalogue_summary(c) for c in catalogue_list()], many=True).data)


# --- Evaluation ------------------------------------------------------------------------------------------


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


class ScreeningEvaluateInput(serializers.Serializer):
    """The shapes only: the catalogue's own rules (shared with the pages and the CLI) check the content."""

    catalogue = serializers.CharField()
    age = IntegerField(allow_null=True, required=False)
    answers = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="Indicator id to yes, no or unknown."
    )
    palermo = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=f"act, means and purpose: {PALERMO_ELEMENTS}",
    )


class DimensionResultOutput(serializers.Serializer):
    positive = serializers.BooleanField()
    strong = IntegerField()
    medium = IntegerField()
    weak = IntegerField()
    indicators = serializers.ListField(child=serializers.CharField())


class PalermoResultOutput(serializers.Serializer):
    act = serializers.BooleanField()
    means = serializers.BooleanField()
    purpose = serializers.BooleanField()
    child = serializers.BooleanField()
    met = serializers.BooleanField()


class ScreeningEvaluationOutput(serializers.Serializer):
    catalogue = serializers.CharField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    dimensions = serializers.DictField(child=DimensionResultOutput(), help_text="By dimension id.")
    unknown = serializers.ListField(child=serializers.CharField(), help_text="Indicators answered `unknown`.")
    palermo = PalermoResultOutput()
    explanation = serializers.CharField()


class ScreeningEvaluateApi(PalermoApiView):
    """Evaluate answers against a catalogue. Nothing is stored; the same rules as the pages and the CLI."""

    capabilities = {"post": ANY_ROLE}

    @extend_schema(
        request=ScreeningEvaluateInput,
        responses={200: ScreeningEvaluationOutput, **error_responses(400)},
        examples=[OpenApiExample("Adult, labour", value=EVALUATE_EXAMPLE, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        ScreeningEvaluateInput(data=request.data).is_valid(raise_exception=True)
        try:
            # The body as sent: the rules refuse unexpected keys, as the CLI does.
            evaluation = screening_evaluate(data=request.data)
        except EvaluationInputError as error:
            raise serializers.ValidationError(error.fields) from None
        return Response(ScreeningEvaluationOutput(evaluation.as_dict()).data)


# --- Screenings and decisions: the same services as the pages -------------------------------------


class DecisionOutput(serializers.Serializer):
    id = IntegerField(source="pk")
    stage = serializers.ChoiceField(choices=DecisionStage.choices)
    result = serializers.ChoiceField(choices=DecisionResult.choices)
    decided_on = serializers.DateField()
    reasoning = serializers.CharField()
    information = serializers.CharField()
    decided_by = serializers.EmailField(source="decided_by.email")
    supersedes = IntegerField(source="supersedes_id", allow_null=True)
    created_at = serializers.DateTimeField()


class IdentificationOutput(serializers.Serializer):
    reasonable_grounds_due = serializers.DateField(source="grounds_due", allow_null=True)
    reasonable_grounds_overdue = serializers.BooleanField(source="grounds_overdue")
    recovery_period_ends = serializers.DateField(source="recovery_ends", allow_null=True)
    reasonable_grounds = DecisionOutput(source="grounds", allow_null=True)
    conclusive = DecisionOutput(allow_null=True)


class ScreeningSummaryOutput(serializers.Serializer):
    id = IntegerField(source="pk")
    catalogue = serializers.CharField(source="catalogue.catalogue_id")
    catalogue_version = IntegerField(source="catalogue.version")
    reference = serializers.CharField()
    status = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    person = IntegerField(source="person_id", allow_null=True)
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    submitted_for_decision_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.ChoiceField(choices=SCREENING_STATUSES))
    def get_status(self, screening: Screening) -> str:
        return "completed" if screening.is_complete else "in_progress"

    @extend_schema_field(serializers.ChoiceField(choices=Outcome.choices, allow_null=True))
    def get_outcome(self, screening: Screening) -> str | None:
        return screening.outcome or None


class ScreeningOutput(ScreeningSummaryOutput):
    responses = serializers.JSONField(help_text="The answers and notes as recorded.")
    result = ScreeningEvaluationOutput(allow_null=True, help_text="The evaluation; null until completed.")
    identification = serializers.SerializerMethodField(
        help_text="Deadlines and decisions; null until the screening is referred."
    )

    @extend_schema_field(IdentificationOutput(allow_null=True))
    def get_identification(self, screening: Screening) -> dict[str, Any] | None:
        if not screening.submitted_for_decision_at:
            return None
        return dict(IdentificationOutput(selectors.identification_status(screening)).data)


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


class ScreeningListApi(PalermoApiView):
    capabilities = {"get": VIEW_SCREENINGS, "post": Capability.SCREENING_CONDUCT}
    pagination_class = PagePagination

    @extend_schema(responses={200: ScreeningSummaryOutput(many=True)})
    def get(self, request: Request) -> Response:
        """Screenings your role may see, newest first."""
        page = self.page_of(selectors.screening_list_for(acting=self.acting))
        selectors.screening_list_audited(acting=self.acting, screenings=page)
        return self.page_response(ScreeningSummaryOutput(page, many=True).data)

    @extend_schema(request=ScreeningInput, responses={201: ScreeningOutput, **error_responses(400)})
    def post(self, request: Request) -> Response:
        """Record a whole screening at once: answers, notes and Palermo elements; completed unless complete=false."""
        acting = self.acting
        data = ScreeningInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            with transaction.atomic():
                screening = services.screening_start(
                    acting=acting, catalogue_id=values["catalogue"], reference=values["reference"], age=values["age"]
                )
                catalogue = selectors.screening_catalogue(screening)
                unknown = set(values["answers"]) | set(values["notes"])
                for dimension in catalogue.dimensions:
                    ids = {i.id for i in dimension.indicators}
                    unknown -= ids
                    if not ids & (set(values["answers"]) | set(values["notes"])):
                        continue
                    services.screening_answer(
                        acting=acting,
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
                    screening = services.screening_complete(
                        acting=acting, screening=screening, palermo=values["palermo"]
                    )
        except (ValidationError, EvaluationInputError) as error:
            raise _invalid(error) from None
        return Response(ScreeningOutput(screening).data, status=status.HTTP_201_CREATED)


class ScreeningDetailApi(PalermoApiView):
    capabilities = {"get": VIEW_SCREENINGS}

    @extend_schema(responses={200: ScreeningOutput, **error_responses(404)})
    def get(self, request: Request, screening_id: int) -> Response:
        screening = selectors.screening_get_for(acting=self.acting, screening_id=screening_id)
        return Response(ScreeningOutput(screening).data)


class ScreeningReferApi(PalermoApiView):
    capabilities = {"post": Capability.SCREENING_CONDUCT}

    @extend_schema(request=None, responses={200: ScreeningOutput, **error_responses(400, 404)})
    def post(self, request: Request, screening_id: int) -> Response:
        """Refer a completed screening for an identification decision (400 while it is not completed)."""
        acting = self.acting
        screening = selectors.screening_get_for(acting=acting, screening_id=screening_id)
        try:
            screening = services.screening_submit_for_decision(acting=acting, screening=screening)
        except ValidationError as error:
            raise _invalid(error) from None
        return Response(ScreeningOutput(screening).data)


class DecisionInput(serializers.Serializer):
    stage = serializers.ChoiceField(choices=DecisionStage.choices)
    result = serializers.ChoiceField(choices=DecisionResult.choices)
    decided_on = serializers.DateField()
    reasoning = serializers.CharField(max_length=20000)
    information = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class DecisionListApi(PalermoApiView):
    capabilities = {"get": VIEW_SCREENINGS, "post": Capability.DECISION_RECORD}

    @extend_schema(responses={200: DecisionOutput(many=True), **error_responses(404)})
    def get(self, request: Request, screening_id: int) -> Response:
        """Every decision on a referred screening, oldest first, reconsidered ones included."""
        screening = selectors.screening_get_for(acting=self.acting, screening_id=screening_id)
        return Response(DecisionOutput(selectors.decision_history(screening=screening), many=True).data)

    @extend_schema(request=DecisionInput, responses={201: DecisionOutput, **error_responses(400, 404)})
    def post(self, request: Request, screening_id: int) -> Response:
        """Record a reasonable-grounds or conclusive decision (decision makers only)."""
        acting = self.acting
        screening = selectors.screening_get_for(acting=acting, screening_id=screening_id)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            decision = services.decision_record(acting=acting, screening=screening, **data.validated_data)
        except ValidationError as error:
            raise _invalid(error) from None
        return Response(DecisionOutput(decision).data, status=status.HTTP_201_CREATED)
