"""The public reporting API (no authentication; the same services as the form)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palermo.api.authentication import api_actor
from palermo.api.fields import IntegerField, in_int64_range, out_of_range_message
from palermo.api.pagination import PagePagination
from palermo.api.parsers import JSONParser, MultiPartParser
from palermo.attachments.downloads import attachment_response
from palermo.attachments.uploads import limit_uploads
from palermo.reporting import conversions, selectors, services
from palermo.reporting.models import Tip, TipStatus
from palermo.reporting.views import receipt_limited, submit_limited


def _busy() -> exceptions.Throttled:
    return exceptions.Throttled(
        detail=_("Too many requests from here in a short time. Wait a few minutes and try again.")
    )


class PublicApi(APIView):
    """Public endpoints answer in the reporter's language: the tip's, or the `language` sent."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    language = "en"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.language = "en"

    def use_language(self, code: object) -> None:
        if isinstance(code, str) and code in settings.PALERMO_PUBLIC_LANGUAGES:
            self.language = code

    def handle_exception(self, exc: Exception) -> Response:
        with translation.override(self.language):
            response = super().handle_exception(exc)
            error = response.data.get("error") if isinstance(response.data, dict) else None
            if isinstance(error, dict) and error.get("code") == "invalid":
                error["message"] = _("Some fields are not valid.")
            return response


def _object(request: Request) -> dict[str, Any]:
    try:
        data = request.data
    except exceptions.ParseError:
        raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]}) from None
    if not isinstance(data, dict):
        raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    return data


def _tip_for(view: PublicApi, request: Request) -> Any:
    data = _object(request)
    view.use_language(data.get("language"))
    with translation.override(view.language):
        if receipt_limited(request._request):
            raise _busy()
        tip = services.tip_for_receipt(data.get("receipt", ""))
        if tip is None:
            raise exceptions.NotFound(_("No report has this receipt code."))
    view.use_language(tip.language)
    return tip


def _photos(request: Request, data: dict[str, Any]) -> list[object]:
    """Photos as multipart files (`photos`), or in JSON as a list of base64 strings."""
    files = list(request.FILES.getlist("photos")) if hasattr(request.FILES, "getlist") else []
    if files:
        return files
    encoded = data.get("photos") if not hasattr(data, "getlist") else None
    if encoded in (None, ""):
        return []
    if not isinstance(encoded, list) or not all(isinstance(item, str) for item in encoded):
        raise services.TipInputError({"photos": [_("Send photos as a list of base64 strings, or as files.")]})
    if len(encoded) > services.MAX_PHOTOS:
        raise services.TipInputError(
            {"photos": [_("You can send up to %(count)s photos.") % {"count": services.MAX_PHOTOS}]}
        )
    photos: list[object] = []
    for item in encoded:
        try:
            photos.append(base64.b64decode(item, validate=True))
        except (binascii.Error, ValueError):
            raise services.TipInputError({"photos": [_("A photo is not valid base64.")]}) from None
    return photos


class PublicTipApi(PublicApi):
    parser_classes = [JSONParser, MultiPartParser]

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
                "area": serializers.CharField(required=False),
                "photos": serializers.ListField(child=serializers.CharField(), required=False),
            },
        ),
        responses={
            201: inline_serializer(
                "PublicTipReceipt", {"receipt": serializers.CharField(), "held": serializers.BooleanField()}
            )
        },
    )
    @sensitive_variables()
    def post(self, request: Request) -> Response:
        """Send a tip anonymously. Keep the receipt: it is the only way back to the tip.

        JSON, or multipart/form-data with up to three `photos` files (JPEG, PNG or WebP, 5 MB each);
        JSON may carry small photos as base64 strings. Messages come back in the tip's language."""
        limit_uploads(request._request, max_bytes=services.PHOTO_MAX_BYTES, max_files=services.MAX_PHOTOS)
        data = _object(request)
        language = data.get("language", "en")
        self.use_language(language)
        with translation.override(self.language):
            if submit_limited(request._request):
                raise _busy()
            if language not in settings.PALERMO_PUBLIC_LANGUAGES:
                languages = ", ".join(settings.PALERMO_PUBLIC_LANGUAGES)
                raise exceptions.ValidationError(
                    {"language": [_("Use one of: %(languages)s.") % {"languages": languages}]}
                )
            fields = {
                k: data.get(k)
                for k in ("description", "location", "when", "exploitation", "involved", "contact", "area")
            }
            try:
                submitted = services.tip_submit(data=fields, language=language, photos=_photos(request, data))
            except services.TipInputError as error:
                raise exceptions.ValidationError(error.fields) from None
        # `held`: no organisation receives tips like this one yet; it is delivered when one does.
        return Response({"receipt": submitted.receipt, "held": submitted.held}, status=status.HTTP_201_CREATED)


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
        tip = _tip_for(self, request)
        try:
            with translation.override(self.language):
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
        tip = _tip_for(self, request)
        return Response(
            {
                "status": tip.status,
                "held": tip.organisation_id is None,
                "messages": [
                    {"from": "you" if m.from_reporter else "organisation", "body": m.body} for m in tip.messages.all()
                ],
            }
        )


# --- Recipients' triage: authenticated, the same services and scope as the inbox pages ---------------


def tip_output(tip: Tip, *, full: bool = False, actor: Any = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": tip.pk,
        "received_at": tip.received_at,
        "language": tip.language,
        "exploitation": tip.exploitation,
        "area": tip.area,
        "status": tip.status,
        "priority": tip.priority,
        "assigned_to": tip.assigned_to_id,
    }
    if full:
        data["content"] = tip.content
        data["messages"] = [
            {"from": "reporter" if m.from_reporter else "organisation", "body": m.body, "sent_at": m.sent_at}
            for m in tip.messages.all()
        ]
        data["photos"] = [
            {
                "id": p.pk,
                "content_type": p.content_type,
                "width": p.width,
                "height": p.height,
                "url": reverse("api-tip-photo", args=[tip.pk, p.pk]),
            }
            for p in tip.photos.defer("content")
        ]
        data["conversions"] = [
            {"kind": c.kind, "object_id": c.object_id}
            for c in tip.conversions.filter(organisation_id=tip.organisation_id or 0)
        ]
        if actor is not None:
            data["links"] = [t.pk for t in selectors.tip_links_for(actor=actor, tip=tip)]
            data["suggested_links"] = [t.pk for t in selectors.tip_link_suggestions_for(actor=actor, tip=tip)]
    return data


def _django_errors(error: ValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"non_field_errors": error.messages})


class TipInboxApi(APIView):
    @extend_schema(responses=inline_serializer("TipSummary", {"id": IntegerField()}, many=True))
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
    @extend_schema(responses=inline_serializer("TipDetail", {"id": IntegerField()}))
    def get(self, request: Request, tip_id: int) -> Response:
        actor = api_actor(request)
        return Response(tip_output(selectors.tip_get_for(actor=actor, tip_id=tip_id), full=True, actor=actor))


class TipReplyApi(APIView):
    @extend_schema(
        request=inline_serializer("TipReply", {"body": serializers.CharField()}),
        responses={201: inline_serializer("TipReplied", {"id": IntegerField()})},
    )
    def post(self, request: Request, tip_id: int) -> Response:
        """Answer the reporter; they read it with their receipt."""
        actor = api_actor(request)
        tip = selectors.tip_get_for(actor=actor, tip_id=tip_id)
        try:
            services.tip_reply(actor=actor, tip=tip, body=_object(request).get("body", ""))
        except ValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from None
        return Response(tip_output(tip, full=True, actor=actor), status=status.HTTP_201_CREATED)


class TipTriageApi(APIView):
    @extend_schema(
        request=inline_serializer(
            "TipTriage", {"status": serializers.CharField(), "priority": serializers.CharField()}
        ),
        responses=inline_serializer("TipTriaged", {"id": IntegerField()}),
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


def _int_field(data: dict[str, Any], name: str, *, nullable: bool = False) -> int | None:
    value = data.get(name)
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise exceptions.ValidationError({name: ["Send a number."]})
    try:
        number = int(value)
    except ValueError:
        raise exceptions.ValidationError({name: ["Send a number."]}) from None
    if not in_int64_range(number):
        raise exceptions.ValidationError({name: [out_of_range_message()]})
    return number


class TipAssignApi(APIView):
    @extend_schema(
        request=inline_serializer("TipAssign", {"assigned_to": IntegerField(allow_null=True)}),
        responses=inline_serializer("TipAssigned", {"id": IntegerField()}),
    )
    def post(self, request: Request, tip_id: int) -> Response:
        """Assign the tip to a member of your organisation who handles tips (`null`: nobody)."""
        actor = api_actor(request)
        tip = selectors.tip_get_for(actor=actor, tip_id=tip_id)
        user_id = _int_field(_object(request), "assigned_to", nullable=True)
        try:
            tip = services.tip_assign(actor=actor, tip=tip, user_id=user_id)
        except ValidationError as error:
            raise _django_errors(error) from None
        return Response(tip_output(tip))


class TipForwardApi(APIView):
    @extend_schema(
        request=inline_serializer(
            "TipForward", {"organisation": IntegerField(), "note": serializers.CharField(required=False)}
        ),
        responses={201: inline_serializer("TipForwarded", {"to_organisation": IntegerField()})},
    )
    def post(self, request: Request, tip_id: int) -> Response:
        """Forward the tip to another organisation; yours no longer sees it afterwards."""
        actor = api_actor(request)
        tip = selectors.tip_get_for(actor=actor, tip_id=tip_id)
        data = _object(request)
        organisation_id = _int_field(data, "organisation")
        assert organisation_id is not None
        try:
            forward = services.tip_forward(
                actor=actor, tip=tip, organisation_id=organisation_id, note=str(data.get("note") or "")
            )
        except ValidationError as error:
            raise _django_errors(error) from None
        return Response(
            {"tip": tip.pk, "to_organisation": forward.to_organisation_id, "forwarded_at": forward.forwarded_at},
            status=status.HTTP_201_CREATED,
        )


class TipLinksApi(APIView):
    @extend_schema(
        request=inline_serializer("TipLinkInput", {"other": IntegerField()}),
        responses={201: inline_serializer("TipLinks", {"links": serializers.ListField()})},
    )
    def post(self, request: Request, tip_id: int) -> Response:
        """Link the tip to another tip in your inbox (same place, same matter)."""
        actor = api_actor(request)
        tip = selectors.tip_get_for(actor=actor, tip_id=tip_id)
        other_id = _int_field(_object(request), "other")
        other = selectors.tip_inbox_for(actor=actor).filter(pk=other_id or 0).first()
        if other is None:
            raise exceptions.ValidationError({"other": ["There is no tip with this number in your inbox."]})
        try:
            services.tip_link(actor=actor, tip=tip, other=other)
        except ValidationError as error:
            raise _django_errors(error) from None
        links = [t.pk for t in selectors.tip_links_for(actor=actor, tip=tip)]
        return Response({"links": links}, status=status.HTTP_201_CREATED)


class TipLinkApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, tip_id: int, other_id: int) -> Response:
        actor = api_actor(request)
        tip = selectors.tip_get_for(actor=actor, tip_id=tip_id)
        services.tip_unlink(actor=actor, tip=tip, other_id=other_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TipConversionsApi(APIView):
    @extend_schema(
        request=inline_serializer(
            "TipConvert",
            {
                "kind": serializers.ChoiceField(choices=["screening", "inspection_request"]),
                "catalogue": serializers.CharField(required=False),
                "target": IntegerField(required=False),
                "place": serializers.CharField(required=False),
                "scope": serializers.CharField(required=False),
            },
        ),
        responses={201: inline_serializer("TipConverted", {"kind": serializers.CharField()})},
    )
    def post(self, request: Request, tip_id: int) -> Response:
        """Turn the tip into a draft screening (`catalogue` optional) or a recorded inspection request
        (`target` organisation id, `place`, `scope`: what to inspect)."""
        actor = api_actor(request)
        tip = selectors.tip_get_for(actor=actor, tip_id=tip_id)
        data = _object(request)
        try:
            made = conversions.tip_convert(actor=actor, tip=tip, kind=str(data.get("kind", "")), data=data)
        except ValidationError as error:
            raise _django_errors(error) from None
        return Response({"kind": made.kind, "object_id": made.object_id}, status=status.HTTP_201_CREATED)


class TipPhotoApi(APIView):
    @extend_schema(responses={(200, "image/jpeg"): bytes})
    def get(self, request: Request, tip_id: int, photo_id: int) -> HttpResponse:
        """A photo sent with the tip, as a download; every download is audited."""
        photo = selectors.tip_photo_get_for(actor=api_actor(request), tip_id=tip_id, photo_id=photo_id)
        return attachment_response(photo.content, content_type=photo.content_type, filename=photo.filename)


def route_output(route: Any) -> dict[str, Any]:
    return {
        "id": route.pk,
        "exploitation": route.exploitation,
        "area": route.area,
        "organisation": route.organisation_id,
        "fallback": route.is_fallback,
    }


class TipRoutesApi(APIView):
    @extend_schema(responses=inline_serializer("TipRoute", {"id": IntegerField()}, many=True))
    def get(self, request: Request) -> Response:
        """Where tips go: by form of exploitation ("any") and area ("" anywhere)."""
        return Response([route_output(r) for r in selectors.tip_routes_for(actor=api_actor(request))])

    @extend_schema(
        request=inline_serializer(
            "TipRouteInput",
            {
                "organisation": IntegerField(),
                "exploitation": serializers.CharField(),
                "area": serializers.CharField(required=False),
            },
        ),
        responses={201: inline_serializer("TipRouteSet", {"id": IntegerField()})},
    )
    def post(self, request: Request) -> Response:
        """Route tips to an organisation; a route for the same form and area is replaced."""
        actor = api_actor(request)
        data = _object(request)
        try:
            route = services.tip_route_set(
                actor=actor,
                organisation_id=_int_field(data, "organisation") or 0,
                exploitation=str(data.get("exploitation", "")),
                area=str(data.get("area") or ""),
            )
        except ValidationError as error:
            raise _django_errors(error) from None
        return Response(route_output(route), status=status.HTTP_201_CREATED)


class TipRouteApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, route_id: int) -> Response:
        try:
            services.tip_route_remove(actor=api_actor(request), route_id=route_id)
        except ValidationError as error:
            raise _django_errors(error) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


def inspection_output(inspection: Any) -> dict[str, Any]:
    return {
        "id": inspection.pk,
        "tip": inspection.tip_id,
        "target": inspection.target_id,
        "place": inspection.place,
        "scope": inspection.scope,
        "status": inspection.status,
        "created_at": inspection.created_at,
    }


class InspectionRequestsApi(APIView):
    @extend_schema(responses=inline_serializer("InspectionRequest", {"id": IntegerField()}, many=True))
    def get(self, request: Request) -> Response:
        """Your organisation's recorded inspection requests (the listing is audited)."""
        return Response(
            [inspection_output(i) for i in selectors.inspection_requests_listed_for(actor=api_actor(request))]
        )


class InspectionRequestStatusApi(APIView):
    @extend_schema(
        request=inline_serializer("InspectionStatus", {"status": serializers.CharField()}),
        responses=inline_serializer("InspectionRequestOut", {"id": IntegerField()}),
    )
    def post(self, request: Request, inspection_id: int) -> Response:
        actor = api_actor(request)
        inspection = selectors.inspection_request_get_for(actor=actor, inspection_id=inspection_id)
        try:
            conversions.inspection_request_set_status(
                actor=actor, inspection=inspection, status=str(_object(request).get("status", ""))
            )
        except ValidationError as error:
            raise _django_errors(error) from None
        return Response(inspection_output(inspection))
