"""API: the catalogues, and evaluation of a screening (stores nothing)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palermo.identification.catalogues import Catalogue
from palermo.identification.rules import PALERMO_ELEMENTS, EvaluationInputError
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
                "age": serializers.IntegerField(allow_null=True, required=False),
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
