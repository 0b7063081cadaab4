"""API for "my work": the acting user's due items, and their manual tasks."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from palermo.api.errors import error_responses
from palermo.api.fields import IntegerField
from palermo.api.views import PalermoApiView
from palermo.audit.services import audit_record
from palermo.cases.selectors import case_get_for
from palermo.permissions import Capability
from palermo.worklist import selectors, services
from palermo.worklist.labels import kind_label
from palermo.worklist.models import Task


class WorkItemOutput(serializers.Serializer):
    group = serializers.ChoiceField(choices=["overdue", "today", "week", "later"])
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    due = serializers.DateField()
    overdue = serializers.BooleanField()
    url = serializers.CharField(help_text="The page where the work is done.")
    case_reference = serializers.CharField()


class WorkApi(PalermoApiView):
    capabilities = {"get": Capability.WORK_VIEW}

    @extend_schema(responses={200: WorkItemOutput(many=True)})
    def get(self, request: Request) -> Response:
        """Everything due for you, earliest first, with the group the "my work" page puts it in."""
        acting = self.acting
        rows = [
            {
                "group": group.key,
                "kind": item.kind,
                "kind_label": kind_label(item.kind),
                "title": item.title,
                "due": item.due,
                "overdue": item.is_overdue,
                "url": item.url,
                "case_reference": item.case_reference,
            }
            for group in selectors.work_groups_for(acting)
            for item in group.items
        ]
        audit_record(acting=acting, action="worklist.view", detail={"items": len(rows)})
        return Response(WorkItemOutput(rows, many=True).data)


class TaskOutput(serializers.ModelSerializer):
    done = serializers.BooleanField(source="is_done", read_only=True)

    class Meta:
        model = Task
        fields = ["id", "title", "due_on", "case", "assignee", "done", "done_at", "created_at"]


class TaskInput(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    due_on = serializers.DateField()
    case = IntegerField(required=False, allow_null=True, default=None)
    assignee = IntegerField(
        required=False, allow_null=True, default=None, help_text="A user of your organisation; you by default."
    )


class TaskDoneInput(serializers.Serializer):
    done = serializers.BooleanField()


class TaskListApi(PalermoApiView):
    capabilities = {"post": Capability.WORK_VIEW}

    @extend_schema(request=TaskInput, responses={201: TaskOutput, **error_responses(400, 404)})
    def post(self, request: Request) -> Response:
        """Add a task to your list (or a colleague's); a `case` you may not see answers 404."""
        acting = self.acting
        data = TaskInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = case_get_for(acting=acting, case_id=values["case"]) if values["case"] else None
        task = services.task_add(
            acting=acting, title=values["title"], due_on=values["due_on"], case=case, assignee_id=values["assignee"]
        )
        return Response(TaskOutput(task).data, status=status.HTTP_201_CREATED)


class TaskDetailApi(PalermoApiView):
    capabilities = {"patch": Capability.WORK_VIEW}

    @extend_schema(request=TaskDoneInput, responses={200: TaskOutput, **error_responses(400, 404)})
    def patch(self, request: Request, task_id: int) -> Response:
        """Tick a task off ({"done": true}) or open it again ({"done": false})."""
        acting = self.acting
        task = selectors.task_get_for(acting=acting, task_id=task_id)
        data = TaskDoneInput(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_set_done(acting=acting, task=task, done=data.validated_data["done"])
        return Response(TaskOutput(task).data)
