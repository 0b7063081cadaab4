"""API for response matrices: the same selectors, services and rules as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from palermo.api.errors import ErrorDetailOutput, error_body, error_responses
from palermo.api.fields import IntegerField, PrimaryKeyRelatedField
from palermo.api.pagination import PagePagination
from palermo.api.parsers import MultiPartParser
from palermo.api.views import PalermoApiView
from palermo.directory.models import DirectoryEntry, MatrixLevel, ResponseArea, Stage
from palermo.matrix import exports, selectors, services
from palermo.matrix.grid import build_grid, matrix_by_actor, matrix_gaps
from palermo.matrix.imports import ImportProblems
from palermo.matrix.models import MatrixAction, ResponseMatrix, Responsible
from palermo.organisations.models import Organisation
from palermo.permissions import Capability


class MatrixActionOutput(serializers.ModelSerializer):
    actors: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    responsible = serializers.ListField(child=serializers.ChoiceField(Responsible.choices))

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


VERSION_MESSAGE = "Send the version you read, e.g. ?version=2."
FILE_MESSAGE = "Send the filled template as the multipart field `file`."


class ActionDeleteQuery(serializers.Serializer):
    version = IntegerField(
        help_text="The version you read",
        error_messages=dict.fromkeys(
            ("required", "invalid", "null", "max_value", "min_value", "max_string_length"), VERSION_MESSAGE
        ),
    )


class CellOutput(serializers.Serializer):
    level = serializers.ChoiceField(MatrixLevel.choices)
    area = serializers.ChoiceField(ResponseArea.choices)
    stage = serializers.ChoiceField(Stage.choices)
    actions = MatrixActionOutput(many=True)


class MatrixWithCellsOutput(serializers.Serializer):
    matrix = MatrixOutput()
    cells = CellOutput(many=True)


class EmptyCellOutput(serializers.Serializer):
    level = serializers.ChoiceField(MatrixLevel.choices)
    area = serializers.ChoiceField(ResponseArea.choices)
    stage = serializers.ChoiceField(Stage.choices)


class MatrixGapsOutput(serializers.Serializer):
    empty_cells = EmptyCellOutput(many=True)
    unassigned = MatrixActionOutput(many=True)


class ActorDutiesOutput(serializers.Serializer):
    key = serializers.CharField(help_text="An actor type, or entry:<directory id>")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like a Field attribute
    directory_entry = IntegerField(source="entry.pk", allow_null=True)
    actions = MatrixActionOutput(many=True)


class MatrixImportInput(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        error_messages=dict.fromkeys(("required", "invalid", "null"), FILE_MESSAGE),
    )


class MatrixImportedOutput(serializers.Serializer):
    imported = IntegerField(source="lines", help_text="Actions read from the file: added + updated + unchanged.")
    added = IntegerField(help_text="New actions.")
    updated = IntegerField(help_text="Actions already in the matrix whose text or who does them changed.")
    unchanged = IntegerField(help_text="Actions already in the matrix exactly as the file has them.")


class MatrixConflictOutput(serializers.Serializer):
    """The error, and the action as it is now (null when someone removed it)."""

    error = ErrorDetailOutput()
    current = MatrixActionOutput(allow_null=True)


CONFLICT = OpenApiResponse(
    MatrixConflictOutput, description="Someone changed or removed the action since your version."
)


def _conflict(current: MatrixAction | None) -> Response:
    if current is None:
        body = error_body("conflict", "Someone else removed this action meanwhile. Nothing was changed.")
    else:
        body = error_body(
            "conflict",
            "Someone else changed this action since your version. Nothing was changed; "
            "here is their version: merge and send again with its version number.",
        )
    body["current"] = current
    return Response(MatrixConflictOutput(body).data, status=status.HTTP_409_CONFLICT)


class MatrixListApi(PalermoApiView):
    capabilities = {"get": Capability.DIRECTORY_VIEW, "post": Capability.PLANNING_MANAGE}
    pagination_class = PagePagination

    @extend_schema(responses={200: MatrixOutput(many=True)})
    def get(self, request: Request) -> Response:
        """Matrices of your organisation and of those it is a partner of."""
        page = self.page_of(selectors.matrix_list_for(acting=self.acting))
        return self.page_response(MatrixOutput(page, many=True).data)

    @extend_schema(request=MatrixInput, responses={201: MatrixOutput, **error_responses(400)})
    def post(self, request: Request) -> Response:
        """Create a matrix owned by your organisation (coordinators)."""
        data = MatrixInput(data=request.data)
        data.is_valid(raise_exception=True)
        matrix = services.matrix_create(acting=self.acting, **data.validated_data)
        return Response(MatrixOutput(matrix).data, status=status.HTTP_201_CREATED)


class MatrixDetailApi(PalermoApiView):
    capabilities = {"get": Capability.DIRECTORY_VIEW, "put": Capability.PLANNING_MANAGE}

    @extend_schema(responses={200: MatrixWithCellsOutput, **error_responses(404)})
    def get(self, request: Request, matrix_id: int) -> Response:
        """The matrix and its 24 cells (2 levels, 4 areas, 3 stages), each with its actions."""
        matrix = selectors.matrix_get_for(acting=self.acting, matrix_id=matrix_id)
        grid = build_grid(matrix)
        return Response(MatrixWithCellsOutput({"matrix": matrix, "cells": list(grid.cells())}).data)

    @extend_schema(request=MatrixInput, responses={200: MatrixOutput, **error_responses(400, 403, 404)})
    def put(self, request: Request, matrix_id: int) -> Response:
        """Change title, date, participants and partners (the owner's coordinators; a partner's get 403)."""
        matrix = selectors.matrix_get_for(acting=self.acting, matrix_id=matrix_id)
        data = MatrixInput(data=request.data)
        data.is_valid(raise_exception=True)
        matrix = services.matrix_update(acting=self.acting, matrix=matrix, **data.validated_data)
        return Response(MatrixOutput(matrix).data)


class MatrixActionListApi(PalermoApiView):
    capabilities = {"get": Capability.DIRECTORY_VIEW, "post": Capability.PLANNING_MANAGE}

    @extend_schema(responses={200: MatrixActionOutput(many=True), **error_responses(404)})
    def get(self, request: Request, matrix_id: int) -> Response:
        """Every action of the matrix, oldest first."""
        matrix = selectors.matrix_get_for(acting=self.acting, matrix_id=matrix_id)
        grid = build_grid(matrix)
        return Response(MatrixActionOutput([a for c in grid.cells() for a in c.actions], many=True).data)

    @extend_schema(request=ActionInput, responses={201: MatrixActionOutput, **error_responses(400, 403, 404)})
    def post(self, request: Request, matrix_id: int) -> Response:
        """Add an action to a cell. Always a new action: it never overwrites anyone's."""
        matrix = selectors.matrix_get_for(acting=self.acting, matrix_id=matrix_id)
        data = ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        action = services.matrix_action_add(acting=self.acting, matrix=matrix, **data.validated_data)
        return Response(MatrixActionOutput(action).data, status=status.HTTP_201_CREATED)


class MatrixActionDetailApi(PalermoApiView):
    capabilities = {"put": Capability.PLANNING_MANAGE, "delete": Capability.PLANNING_MANAGE}

    @extend_schema(
        request=ActionChangeInput,
        responses={200: MatrixActionOutput, 409: CONFLICT, **error_responses(400, 403, 404)},
    )
    def put(self, request: Request, matrix_id: int, action_id: int) -> Response:
        """Change an action. Send the version you read; if someone changed it since, 409 with theirs."""
        matrix = selectors.matrix_get_for(acting=self.acting, matrix_id=matrix_id)
        action = selectors.matrix_action_get_for(matrix=matrix, action_id=action_id)
        data = ActionChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            action = services.matrix_action_update(acting=self.acting, action=action, **data.validated_data)
        except services.ActionConflict as conflict:
            return _conflict(conflict.current)
        return Response(MatrixActionOutput(action).data)

    @extend_schema(
        parameters=[ActionDeleteQuery], responses={204: None, 409: CONFLICT, **error_responses(400, 403, 404)}
    )
    def delete(self, request: Request, matrix_id: int, action_id: int) -> Response:
        """Remove an action, if nobody changed it since the version you read."""
        matrix = selectors.matrix_get_for(acting=self.acting, matrix_id=matrix_id)
        action = selectors.matrix_action_get_for(matrix=matrix, action_id=action_id)
        query = ActionDeleteQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            services.matrix_action_delete(acting=self.acting, action=action, version=query.validated_data["version"])
        except services.ActionConflict as conflict:
            return _conflict(conflict.current)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MatrixGapsApi(PalermoApiView):
    capabilities = {"get": Capability.DIRECTORY_VIEW}

    @extend_schema(responses={200: MatrixGapsOutput, **error_responses(404)})
    def get(self, request: Request, matrix_id: int) -> Response:
        """The empty cells, and the actions that name nobody to take them."""
        matrix = selectors.matrix_get_for(acting=self.acting, matrix_id=matrix_id)
        gaps = matrix_gaps(build_grid(matrix))
        return Response(MatrixGapsOutput({"empty_cells": gaps.empty_cells, "unassigned": gaps.unassigned}).data)


class MatrixExportApi(PalermoApiView):
    capabilities = {"get": Capability.DIRECTORY_VIEW}

    @extend_schema(
        parameters=[OpenApiParameter("file_format", str, OpenApiParameter.PATH, enum=list(exports.CONTENT_TYPES))],
        responses={
            **{(200, content_type): OpenApiTypes.BINARY for content_type in exports.CONTENT_TYPES.values()},
            **error_responses(404),
        },
    )
    def get(self, request: Request, matrix_id: int, file_format: str) -> HttpResponse:
        """The matrix in the worksheet's layout, as the pages export it."""
        matrix = selectors.matrix_get_for(acting=self.acting, matrix_id=matrix_id)
        if file_format not in exports.CONTENT_TYPES:
            raise Http404
        content = exports.matrix_file(build_grid(matrix), file_format)
        services.matrix_export_record(acting=self.acting, matrix=matrix, file_format=file_format)
        response = HttpResponse(content, content_type=exports.CONTENT_TYPES[file_format])
        response["Content-Disposition"] = f'attachment; filename="matrix-{matrix.pk}.{file_format}"'
        return response


class MatrixImportApi(PalermoApiView):
    parser_classes = [MultiPartParser]
    capabilities = {"post": Capability.PLANNING_MANAGE}

    @extend_schema(
        request={"multipart/form-data": MatrixImportInput},
        responses={201: MatrixImportedOutput, **error_responses(400, 403, 404)},
    )
    def post(self, request: Request, matrix_id: int) -> Response:
        """Bring in a filled worksheet: all of it, or nothing with every problem listed. A line matching an action
        of the same cell (same words, whatever the case and spacing) updates it or leaves it unchanged; any
        other line is added; actions the file lacks stay. Importing an exported matrix again changes nothing."""
        matrix = selectors.matrix_get_for(acting=self.acting, matrix_id=matrix_id)
        data = MatrixImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = services.matrix_import(acting=self.acting, matrix=matrix, upload=data.validated_data["file"])
        except ImportProblems as problems:
            raise serializers.ValidationError({"file": problems.problems}) from None
        return Response(MatrixImportedOutput(result).data, status=status.HTTP_201_CREATED)


class MatrixByActorApi(PalermoApiView):
    capabilities = {"get": Capability.DIRECTORY_VIEW}

    @extend_schema(responses={200: ActorDutiesOutput(many=True), **error_responses(404)})
    def get(self, request: Request, matrix_id: int) -> Response:
        """What each actor type, then each named directory organisation, is expected to do."""
        matrix = selectors.matrix_get_for(acting=self.acting, matrix_id=matrix_id)
        return Response(ActorDutiesOutput(matrix_by_actor(build_grid(matrix)), many=True).data)
