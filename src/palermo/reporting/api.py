"""The public reporting API (no authentication; the same services as the form)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.views.decorators.debug import sensitive_variables
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palermo.api.authentication import api_actor
from palermo.api.pagination import PagePagination
from palermo.reporting import selectors, services
from palermo.reporting.models import Tip, TipStatus
from palermo.reporting.views import receipt_limited, submit_limited


class Busy(exceptions.Throttled):
    default_detail = "Too many requests from here in a short time. Wait a few minutes and try again."


class PublicApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]


def _object(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object."]})
    return request.data


def _tip_for(request: Request) -> Any:
    if receipt_limited(request._request):
        raise Busy()
    tip = services.tip_for_receipt(_object(request).get("receipt", ""))
    if tip is None:
        raise exceptions.NotFound("No report has this receipt code.")
    return tip


class PublicTipApi(PublicApi):
    @extend_schema(
        request=inline_serializer(
            "PublicTipInput",
            {
                "description": serializers.CharField(),
                "language": serializers.CharField(),
                "location": serializers.CharField(required=False),
                "when": serializers.CharField(required=False),
                "exploitation": serializers.CharField(required=False),
                "involved": serializers.CharField(required=False),
                "contact": serializers.CharField(required=False),
            },
        ),
        responses={201: inline_serializer("PublicTipReceipt", {"receipt": serializers.CharField()})},
    )
    @sensitive_variables()
    def post(self, request: Request) -> Response:
        """Send a tip anonymously. Keep the receipt: it is the only way back to the tip."""
        if submit_limited(request._request):
            raise Busy()
        data = _object(request)
        language = data.get("language", "en")
        if language not in settings.PALERMO_PUBLIC_LANGUAGES:
            languages = ", ".join(settings.PALERMO_PUBLIC_LANGUAGES)
            raise exceptions.ValidationError({"language": [f"Use one of: {languages}."]})
        try:
            submitted = services.tip_submit(data=data, language=language)
        except services.TipInputError as error:
            raise exceptions.ValidationError(error.fields) from None
        return Response({"receipt": submitted.receipt}, status=status.HTTP_201_CREATED)


class PublicFollowUpApi(PublicApi):
    @extend_schema(
        request=inline_serializer(
            "PublicFollowUp", {"receipt": serializers.CharField(), "message": serializers.CharField()}
        ),
        responses={201: None},
    )
    @sensitive_variables()
    def post(self, request: Request) -> Response:
        """Add information to a tip, with its receipt."""
        tip = _tip_for(request)
        try:
            services.tip_follow_up(tip=tip, message=_object(request).get("message"))
        except services.TipInputError as error:
            raise exceptions.ValidationError(error.fields) from None
        return Response({"added": True}, status=status.HTTP_201_CREATED)


class PublicMessagesApi(PublicApi):
    @extend_schema(
        request=inline_serializer("PublicReceipt", {"receipt": serializers.CharField()}),
        responses=inline_serializer("PublicConversation", {"messages": serializers.ListField()}),
    )
    @sensitive_variables()
    def post(self, request: Request) -> Response:
        """The conversation on a tip: what the reporter added and what the organisation answered."""
        tip = _tip_for(request)
        return Response(
            {
                "status": tip.status,
                "messages": [
                    {"from": "you" if m.from_reporter else "organisation", "body": m.body} for m in tip.messages.all()
                ],
            }
        )


# --- Recipients' triage: authenticated, the same services and scope as the inbox pages ---------------


def tip_output(tip: Tip, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": tip.pk,
        "received_at": tip.received_at,
        "language": tip.language,
        "exploitation": tip.exploitation,
        "status": tip.status,
        "priority": tip.priority,
    }
    if full:
        data["content"] = tip.content
        data["messages"] = [
            {"from": "reporter" if m.from_reporter else "organisation", "body": m.body, "sent_at": m.sent_at}
            for m in tip.messages.all()
        ]
    return data


class TipInboxApi(APIView):
    @extend_schema(responses=inline_serializer("TipSummary", {"id": serializers.IntegerField()}, many=True))
    def get(self, request: Request) -> Response:
        """Tips routed to your organisation, newest first; `?status=` filters."""
        tips = selectors.tip_inbox_page_for(actor=api_actor(request))
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in TipStatus.values:
                raise exceptions.ValidationError({"status": [f"Use one of: {', '.join(TipStatus.values)}."]})
            tips = tips.filter(status=wanted)
        paginator = PagePagination()
        page = paginator.paginate_queryset(tips, request, view=self) or []
        return paginator.get_paginated_response([tip_output(t) for t in page])


class TipDetailApi(APIView):
    @extend_schema(responses=inline_serializer("TipDetail", {"id": serializers.IntegerField()}))
    def get(self, request: Request, tip_id: int) -> Response:
        return Response(tip_output(selectors.tip_get_for(actor=api_actor(request), tip_id=tip_id), full=True))


class TipReplyApi(APIView):
    @extend_schema(
        request=inline_serializer("TipReply", {"body": serializers.CharField()}),
        responses={201: inline_serializer("TipReplied", {"id": serializers.IntegerField()})},
    )
    def post(self, request: Request, tip_id: int) -> Response:
        """Answer the reporter; they read it with their receipt."""
        actor = api_actor(request)
        tip = selectors.tip_get_for(actor=actor, tip_id=tip_id)
        try:
            services.tip_reply(actor=actor, tip=tip, body=_object(request).get("body", ""))
        except ValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from None
        return Response(tip_output(tip, full=True), status=status.HTTP_201_CREATED)


class TipTriageApi(APIView):
    @extend_schema(
        request=inline_serializer(
            "TipTriage", {"status": serializers.CharField(), "priority": serializers.CharField()}
        ),
        responses=inline_serializer("TipTriaged", {"id": serializers.IntegerField()}),
    )
    def post(self, request: Request, tip_id: int) -> Response:
        actor = api_actor(request)
        tip = selectors.tip_get_for(actor=actor, tip_id=tip_id)
        data = _object(request)
        try:
            tip = services.tip_triage(
                actor=actor,
                tip=tip,
                status=str(data.get("status", tip.status)),
                priority=str(data.get("priority", tip.priority)),
            )
        except ValidationError as error:
            raise exceptions.ValidationError({"non_field_errors": error.messages}) from None
        return Response(tip_output(tip))
