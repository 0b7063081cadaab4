"""API for response matrices: the same selectors, services and rules as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palermo.api.authentication import api_actor
from palermo.api.errors import error_body
from palermo.api.fields import INT64_MAX, INT64_MIN, IntegerField, PrimaryKeyRelatedField, in_int64_range
from palermo.api.pagination import PagePagination
from palermo.api.parsers import MultiPartParser
from palermo.directory.models import DirectoryEntry, MatrixLevel, ResponseArea, Stage
from palermo.matrix import exports, selectors, services
from palermo.matrix.grid import Cell, build_grid, matrix_by_actor, matrix_gaps
from palermo.matrix.imports import ImportProblems
from palermo.matrix.models import MatrixAction, ResponseMatrix, Responsible
from palermo.organisations.models import Organisation

VERSION_SCHEMA = {"type": "integer", "minimum": INT64_MIN, "maximum": INT64_MAX}


class MatrixActionOutput(serializers.ModelSerializer):
    actors: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = MatrixAction
        fields = [
            "id",
            "level",
            "area",
            "stage",
            "text",
            "responsible",
            "actors",
            "group",
            "version",
            "created_at",
            "updated_at",
        ]


class MatrixOutput(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    partners: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ResponseMatrix
        fields = ["id", "title", "held_on", "participants", "description", "organisation", "partners", "updated_at"]


class MatrixInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    participants = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    partners = PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True), many=True, required=False, default=list
    )


class ActionInput(serializers.Serializer):
    level = serializers.ChoiceField(MatrixLevel.choices)
    area = serializers.ChoiceField(ResponseArea.choices)
    stage = serializers.ChoiceField(Stage.choices)
    text = serializers.CharField(max_length=2000)
    responsible = serializers.ListField(
        child=serializers.ChoiceField(Responsible.choices), required=False, default=list
    )
    actors = PrimaryKeyRelatedField(queryset=DirectoryEntry.objects.all(), many=True, required=False, default=list)
    group = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ActionChangeInput(serializers.Serializer):
    version = IntegerField(help_text="The version you started from; a stale one answers 409.")
    text = serializers.CharField(max_length=2000)
    responsible = serializers.ListField(
        child=serializers.ChoiceField(Responsible.choices), required=False, default=list
    )
    actors = PrimaryKeyRelatedField(queryset=DirectoryEntry.objects.all(), many=True, required=False, default=list)
    group = serializers.CharField(max_length=100, required=False, allow_blank=True)


def _cell(cell: Cell) -> dict[str, Any]:
    return {
        "level": cell.level,
        "area": cell.area,
        "stage": cell.stage,
        "actions": MatrixActionOutput(cell.actions, many=True).data,
    }


CellOutput = inline_serializer(
    "MatrixCell",
    {
        "level": serializers.CharField(),
        "area": serializers.CharField(),
        "stage": serializers.CharField(),
        "actions": MatrixActionOutput(many=True),
    },
)


def _conflict(current: MatrixAction | None) -> Response:
    if current is None:
        body = error_body("conflict", "Someone else removed this action meanwhile. Nothing was changed.")
        body["current"] = None
    else:
        body = error_body(
            "conflict",
            "Someone else changed this action since your version. Nothing was changed; "
            "here is their version: merge and send again with its version number.",
        )
        body["current"] = MatrixActionOutput(current).data
    return Response(body, status=status.HTTP_409_CONFLICT)


class MatrixListApi(APIView):
    @extend_schema(responses=MatrixOutput(many=True))
    def get(self, request: Request) -> Response:
        """Matrices of your organisation and of those it is a partner of."""
        paginator = PagePagination()
        page = paginator.paginate_queryset(selectors.matrix_list_for(actor=api_actor(request)), request, view=self)
        return paginator.get_paginated_response(MatrixOutput(page or [], many=True).data)

    @extend_schema(request=MatrixInput, responses={201: MatrixOutput})
    def post(self, request: Request) -> Response:
        """Create a matrix owned by your organisation (coordinators)."""
        data = MatrixInput(data=request.data)
        data.is_valid(raise_exception=True)
        matrix = services.matrix_create(actor=api_actor(request), **data.validated_data)
        return Response(MatrixOutput(matrix).data, status=status.HTTP_201_CREATED)


class MatrixDetailApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "MatrixWithCells", {"matrix": MatrixOutput(), "cells": CellOutput.__class__(many=True)}
        )
    )
    def get(self, request: Request, matrix_id: int) -> Response:
        """The matrix and its 24 cells (2 levels, 4 areas, 3 stages), each with its actions."""
        matrix = selectors.matrix_get_for(actor=api_actor(request), matrix_id=matrix_id)
        grid = build_grid(matrix)
        return Response({"matrix": MatrixOutput(matrix).data, "cells": [_cell(c) for c in grid.cells()]})

    @extend_schema(request=MatrixInput, responses=MatrixOutput)
    def put(self, request: Request, matrix_id: int) -> Response:
        """Change title, date, participants and partners (the owner's coordinators)."""
        actor = api_actor(request)
        matrix = selectors.matrix_get_for(actor=actor, matrix_id=matrix_id)
        data = MatrixInput(data=request.data)
        data.is_valid(raise_exception=True)
        matrix = services.matrix_update(actor=actor, matrix=matrix, **data.validated_data)
        return Response(MatrixOutput(matrix).data)


class MatrixActionListApi(APIView):
    pagination_class = None

    @extend_schema(responses={201: MatrixActionOutput})
    def get(self, request: Request, matrix_id: int) -> Response:
        """Every action of the matrix, oldest first."""
        matrix = selectors.matrix_get_for(actor=api_actor(request), matrix_id=matrix_id)
        grid = build_grid(matrix)
        return Response(MatrixActionOutput([a for c in grid.cells() for a in c.actions], many=True).data)

    @extend_schema(request=ActionInput, responses={201: MatrixActionOutput})
    def post(self, request: Request, matrix_id: int) -> Response:
        """Add an action to a cell. Always a new action: it never overwrites anyone's."""
        actor = api_actor(request)
        matrix = selectors.matrix_get_for(actor=actor, matrix_id=matrix_id)
        data = ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        action = services.matrix_action_add(actor=actor, matrix=matrix, **data.validated_data)
        return Response(MatrixActionOutput(action).data, status=status.HTTP_201_CREATED)


class MatrixActionDetailApi(APIView):
    @extend_schema(request=ActionChangeInput, responses={200: MatrixActionOutput, 409: None})
    def put(self, request: Request, matrix_id: int, action_id: int) -> Response:
        """Change an action. Send the version you read; if someone changed it since, 409 with theirs."""
        actor = api_actor(request)
        matrix = selectors.matrix_get_for(actor=actor, matrix_id=matrix_id)
        action = selectors.matrix_action_get_for(matrix=matrix, action_id=action_id)
        data = ActionChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            action = services.matrix_action_update(actor=actor, action=action, **data.validated_data)
        except services.ActionConflict as conflict:
            return _conflict(conflict.current)
        return Response(MatrixActionOutput(action).data)

    @extend_schema(
        parameters=[OpenApiParameter("version", VERSION_SCHEMA, required=True, description="The version you read")],
        responses={204: None, 409: None},
    )
    def delete(self, request: Request, matrix_id: int, action_id: int) -> Response:
        """Remove an action, if nobody changed it since the version you read."""
        actor = api_actor(request)
        matrix = selectors.matrix_get_for(actor=actor, matrix_id=matrix_id)
        action = selectors.matrix_action_get_for(matrix=matrix, action_id=action_id)
        try:
            version = int(request.query_params.get("version", ""))
            if not in_int64_range(version):
                raise ValueError(version)
        except ValueError:
            raise serializers.ValidationError({"version": ["Send the version you read, e.g. ?version=2."]}) from None
        try:
            services.matrix_action_delete(actor=actor, action=action, version=version)
        except services.ActionConflict as conflict:
            return _conflict(conflict.current)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MatrixGapsApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "MatrixGaps",
            {
                "empty_cells": inline_serializer(
                    "MatrixEmptyCell",
                    {
                        "level": serializers.CharField(),
                        "area": serializers.CharField(),
                        "stage": serializers.CharField(),
                    },
                    many=True,
                ),
                "unassigned": MatrixActionOutput(many=True),
            },
        )
    )
    def get(self, request: Request, matrix_id: int) -> Response:
        """The empty cells, and the actions that name nobody to take them."""
        matrix = selectors.matrix_get_for(actor=api_actor(request), matrix_id=matrix_id)
        gaps = matrix_gaps(build_grid(matrix))
        return Response(
            {
                "empty_cells": [{"level": c.level, "area": c.area, "stage": c.stage} for c in gaps.empty_cells],
                "unassigned": MatrixActionOutput(gaps.unassigned, many=True).data,
            }
        )


class MatrixExportApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("file_format", str, OpenApiParameter.PATH, enum=["xlsx", "pdf", "docx"])],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, matrix_id: int, file_format: str) -> HttpResponse:
        """The matrix in the worksheet's layout, as the pages export it."""
        actor = api_actor(request)
        matrix = selectors.matrix_get_for(actor=actor, matrix_id=matrix_id)
        if file_format not in exports.CONTENT_TYPES:
            raise Http404
        content = exports.matrix_file(build_grid(matrix), file_format)
        services.matrix_export_record(actor=actor, matrix=matrix, file_format=file_format)
        response = HttpResponse(content, content_type=exports.CONTENT_TYPES[file_format])
        response["Content-Disposition"] = f'attachment; filename="matrix-{matrix.pk}.{file_format}"'
        return response


class MatrixImportApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": inline_serializer("MatrixImportInput", {"file": serializers.FileField()})},
        responses={201: inline_serializer("MatrixImported", {"imported": IntegerField()})},
    )
    def post(self, request: Request, matrix_id: int) -> Response:
        """Add the actions of a filled worksheet: all of them, or none with every problem listed."""
        actor = api_actor(request)
        matrix = selectors.matrix_get_for(actor=actor, matrix_id=matrix_id)
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": ["Send the filled template as the multipart field `file`."]})
        try:
            count = services.matrix_import(actor=actor, matrix=matrix, upload=upload)
        except ImportProblems as problems:
            raise serializers.ValidationError({"file": problems.problems}) from None
        return Response({"imported": count}, status=status.HTTP_201_CREATED)


class MatrixByActorApi(APIView):
    pagination_class = None

    @extend_schema(
        responses=inline_serializer(
            "MatrixActorDuties",
            {
                "key": serializers.CharField(help_text="An actor type, or entry:<directory id>"),
                "label": serializers.CharField(),
                "directory_entry": IntegerField(allow_null=True),
                "actions": MatrixActionOutput(many=True),
            },
            many=True,
        )
    )
    def get(self, request: Request, matrix_id: int) -> Response:
        """What each actor type, then each named directory organisation, is expected to do."""
        matrix = selectors.matrix_get_for(actor=api_actor(request), matrix_id=matrix_id)
        return Response(
            [
                {
                    "key": duty.key,
                    "label": duty.label,
                    "directory_entry": duty.entry.pk if duty.entry else None,
                    "actions": MatrixActionOutput(duty.actions, many=True).data,
                }
                for duty in matrix_by_actor(build_grid(matrix))
            ]
        )
