"""API for "my work": the acting user's due items, and their manual tasks."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palermo.api.authentication import api_actor
from palermo.api.fields import IntegerField
from palermo.audit.services import audit_record
from palermo.cases.selectors import case_get_for
from palermo.permissions import Capability, require
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


class WorkApi(APIView):
    pagination_class = None

    @extend_schema(responses=WorkItemOutput(many=True))
    def get(self, request: Request) -> Response:
        """Everything due for you, earliest first, with the group the "my work" page puts it in."""
        actor = api_actor(request)
        require(actor, Capability.WORK_VIEW)
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
            for group in selectors.work_groups_for(actor)
            for item in group.items
        ]
        audit_record(actor=actor, action="worklist.view", detail={"items": len(rows)})
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


class TaskListApi(APIView):
    @extend_schema(request=TaskInput, responses={201: TaskOutput})
    def post(self, request: Request) -> Response:
        """Add a task to your list (or a colleague's)."""
        actor = api_actor(request)
        require(actor, Capability.WORK_VIEW)
        data = TaskInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = case_get_for(actor=actor, case_id=values["case"]) if values["case"] else None
        task = services.task_add(
            actor=actor, title=values["title"], due_on=values["due_on"], case=case, assignee_id=values["assignee"]
        )
        return Response(TaskOutput(task).data, status=status.HTTP_201_CREATED)


class TaskDetailApi(APIView):
    @extend_schema(request=TaskDoneInput, responses=TaskOutput)
    def patch(self, request: Request, task_id: int) -> Response:
        """Tick a task off ({"done": true}) or open it again ({"done": false})."""
        actor = api_actor(request)
        task = selectors.task_get_for(actor=actor, task_id=task_id)
        data = TaskDoneInput(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_set_done(actor=actor, task=task, done=data.validated_data["done"])
        return Response(TaskOutput(task).data)
