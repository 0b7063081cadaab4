"""The reporting API: the public endpoints (no token; the same services as the form) and the recipients' triage."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from palermo.api.errors import error_responses
from palermo.api.fields import IntegerField
from palermo.api.pagination import PagePagination
from palermo.api.parsers import JSONParser, MultiPartParser
from palermo.api.views import PalermoApiView, PublicApiView
from palermo.attachments.downloads import attachment_response
from palermo.attachments.uploads import limit_uploads
from palermo.permissions import Capability
from palermo.reporting import conversions, selectors, services
from palermo.reporting.models import (
    InspectionRequest,
    InspectionRequestStatus,
    Tip,
    TipPriority,
    TipStatus,
)
from palermo.reporting.views import receipt_limited, submit_limited

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")


def _busy() -> exceptions.Throttled:
    return exceptions.Throttled(
        detail=_("Too many requests from here in a short time. Wait a few minutes and try again.")
    )


def _message_output(name: str, sender: list[str], **extra: serializers.Field) -> type[serializers.Serializer]:
    # A message's `from` is a Python keyword, so the class is built rather than written.
    fields = {"from": serializers.ChoiceField(choices=sender), "body": serializers.CharField(), **extra}
    return type(name, (serializers.Serializer,), fields)


# --- Public: no token; answers in the reporter's language ----------------------------------------------


class PublicApi(PublicApiView):
    """Public endpoints answer in the reporter's language: the tip's, or the `language` sent."""

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

    def read(self, request: Request, serializer: type[serializers.Serializer]) -> dict[str, Any]:
        """The body checked by `serializer`, its messages in the language the body names."""
        try:
            data = request.data
        except exceptions.ParseError:
            raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]}) from None
        if not hasattr(data, "get"):
            raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        self.use_language(data.get("language"))
        with translation.override(self.language):
            checked = serializer(data=data)
            checked.is_valid(raise_exception=True)
        return dict(checked.validated_data)

    def tip_for(self, request: Request, receipt: str) -> Tip:
        """The tip a receipt opens; guesses are slowed, and a wrong receipt is a 404."""
        with translation.override(self.language):
            if receipt_limited(request._request):
                raise _busy()
            tip = services.tip_for_receipt(receipt)
            if tip is None:
                raise exceptions.NotFound(_("No report has this receipt code."))
        self.use_language(tip.language)
        return tip


def _text(**kwargs: Any) -> serializers.CharField:
    # The service checks lengths and says what is missing, in the reporter's language.
    return serializers.CharField(required=False, allow_blank=True, allow_null=True, trim_whitespace=False, **kwargs)


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "byte"}, "maxItems": services.MAX_PHOTOS})
class Base64PhotosField(serializers.Field):
    """Photos in a JSON body: a list of base64 strings, decoded here (multipart sends files instead)."""

    def get_value(self, dictionary: Any) -> Any:
        if hasattr(dictionary, "getlist"):  # multipart: the files are read from request.FILES
            return serializers.empty
        return super().get_value(dictionary)

    def to_internal_value(self, data: Any) -> list[bytes]:
        if data in (None, ""):
            return []
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            raise serializers.ValidationError(_("Send photos as a list of base64 strings, or as files."))
        if len(data) > services.MAX_PHOTOS:
            raise serializers.ValidationError(
                _("You can send up to %(count)s photos.") % {"count": services.MAX_PHOTOS}
            )
        try:
            return [base64.b64decode(item, validate=True) for item in data]
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(_("A photo is not valid base64.")) from None

    def to_representation(self, value: Any) -> Any:
        return value


class PublicTipInput(serializers.Serializer):
    description = _text(help_text="What you saw. Required.")
    language = serializers.CharField(
        required=False,
        default="en",
        help_text="The language answers come back in: " + ", ".join(settings.PALERMO_PUBLIC_LANGUAGES),
    )
    location = _text()
    when = _text()
    exploitation = _text(help_text="labour, sexual, begging_criminality, other or unknown")
    involved = _text()
    contact = _text()
    area = _text()
    photos = Base64PhotosField(required=False, allow_null=True, default=list)

    def validate_language(self, value: str) -> str:
        if value not in settings.PALERMO_PUBLIC_LANGUAGES:
            languages = ", ".join(settings.PALERMO_PUBLIC_LANGUAGES)
            raise serializers.ValidationError(_("Use one of: %(languages)s.") % {"languages": languages})
        return value


class PublicTipUpload(PublicTipInput):
    photos = serializers.ListField(  # type: ignore[assignment]  # the multipart form of the same field
        child=serializers.FileField(), required=False, help_text="Up to three JPEG, PNG or WebP files, 5 MB each."
    )


class PublicTipReceiptOutput(serializers.Serializer):
    receipt = serializers.CharField(help_text="Keep it: the only way back to the tip.")
    held = serializers.BooleanField(
        help_text="No organisation receives tips like this one yet; delivered when one does."
    )


class PublicTipApi(PublicApi):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        request={"application/json": PublicTipInput, "multipart/form-data": PublicTipUpload},
        responses={201: PublicTipReceiptOutput, **error_responses(400, 429)},
    )
    @sensitive_variables()
    def post(self, request: Request) -> Response:
        """Send a tip anonymously. Keep the receipt: it is the only way back to the tip.

        JSON, or multipart/form-data with up to three `photos` files (JPEG, PNG or WebP, 5 MB each);
        JSON may carry small photos as base64 strings. Messages come back in the tip's language."""
        limit_uploads(request._request, max_bytes=services.PHOTO_MAX_BYTES, max_files=services.MAX_PHOTOS)
        try:
            raw = request.data
        except exceptions.ParseError:
            raw = None
        self.use_language(raw.get("language") if isinstance(raw, dict) else None)
        with translation.override(self.language):
            if submit_limited(request._request):
                raise _busy()
        values = self.read(request, PublicTipInput)
        files = list(request.FILES.getlist("photos")) if hasattr(request.FILES, "getlist") else []
        photos: list[object] = list(files or values.pop("photos") or [])
        values.pop("photos", None)
        language = values.pop("language")
        with translation.override(self.language):
            try:
                submitted = services.tip_submit(data=values, language=language, photos=photos)
            except services.TipInputError as error:
                raise exceptions.ValidationError(error.fields) from None
        return Response(PublicTipReceiptOutput(submitted).data, status=status.HTTP_201_CREATED)


class PublicReceiptInput(serializers.Serializer):
    receipt = serializers.CharField(max_length=100)
    language = serializers.CharField(required=False, help_text="For messages before the tip is found.")


class PublicFollowUpInput(PublicReceiptInput):
    message = _text(help_text="What you want to add.")


class PublicFollowUpOutput(serializers.Serializer):
    added = serializers.BooleanField()


class PublicFollowUpApi(PublicApi):
    @extend_schema(request=PublicFollowUpInput, responses={201: PublicFollowUpOutput, **error_responses(400, 404, 429)})
    @sensitive_variables()
    def post(self, request: Request) -> Response:
        """Add information to a tip, with its receipt."""
        values = self.read(request, PublicFollowUpInput)
        tip = self.tip_for(request, values["receipt"])
        with translation.override(self.language):
            try:
                services.tip_follow_up(tip=tip, message=values.get("message"))
            except services.TipInputError as error:
                raise exceptions.ValidationError(error.fields) from None
        return Response(PublicFollowUpOutput({"added": True}).data, status=status.HTTP_201_CREATED)


PublicMessageOutput = _message_output("PublicMessageOutput", ["you", "organisation"])


class PublicConversationOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=TipStatus.choices)
    held = serializers.BooleanField()
    messages = PublicMessageOutput(many=True)


class PublicMessagesApi(PublicApi):
    @extend_schema(
        request=PublicReceiptInput, responses={200: PublicConversationOutput, **error_responses(400, 404, 429)}
    )
    @sensitive_variables()
    def post(self, request: Request) -> Response:
        """The conversation on a tip: what the reporter added and what the organisation answered."""
        tip = self.tip_for(request, self.read(request, PublicReceiptInput)["receipt"])
        conversation = {
            "status": tip.status,
            "held": tip.organisation_id is None,
            "messages": [
                {"from": "you" if m.from_reporter else "organisation", "body": m.body} for m in tip.messages.all()
            ],
        }
        return Response(PublicConversationOutput(conversation).data)


# --- Recipients' triage: authenticated, the same services and scope as the inbox pages ---------------

TRIAGE = Capability.TIPS_TRIAGE


class TipSummaryOutput(serializers.Serializer):
    id = IntegerField(source="pk")
    received_at = serializers.DateTimeField()
    language = serializers.CharField()
    exploitation = serializers.CharField()
    area = serializers.CharField()
    status = serializers.ChoiceField(choices=TipStatus.choices)
    priority = serializers.ChoiceField(choices=TipPriority.choices)
    assigned_to = IntegerField(source="assigned_to_id", allow_null=True)


TipMessageOutput = _message_output(
    "TipMessageOutput", ["reporter", "organisation"], sent_at=serializers.DateTimeField()
)


class TipPhotoOutput(serializers.Serializer):
    id = IntegerField(source="pk")
    content_type = serializers.ChoiceField(choices=PHOTO_TYPES)
    width = IntegerField()
    height = IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, photo: Any) -> str:
        return reverse("api-tip-photo", args=[photo.tip_id, photo.pk])


class TipConvertedOutput(serializers.Serializer):
    kind = serializers.CharField()
    object_id = IntegerField()


class TipOutput(TipSummaryOutput):
    content = serializers.DictField(child=serializers.CharField(), help_text="What the reporter wrote, by field.")
    messages = TipMessageOutput(many=True)
    photos = TipPhotoOutput(many=True)
    conversions = TipConvertedOutput(many=True, help_text="What your organisation made of the tip.")
    links = serializers.ListField(child=IntegerField(), help_text="Linked tips in your inbox.")
    suggested_links = serializers.ListField(child=IntegerField(), help_text="Tips in your inbox about the same place.")


def _tip(acting: Any, tip: Tip) -> dict[str, Any]:
    """The whole tip, as the inbox's detail page shows it."""
    return dict(
        TipOutput(
            {
                **{name: getattr(tip, name) for name in ("pk", "received_at", "language", "exploitation", "area")},
                **{name: getattr(tip, name) for name in ("status", "priority", "assigned_to_id", "content")},
                "messages": [
                    {"from": "reporter" if m.from_reporter else "organisation", "body": m.body, "sent_at": m.sent_at}
                    for m in tip.messages.all()
                ],
                "photos": list(tip.photos.defer("content")),
                "conversions": list(tip.conversions.filter(organisation_id=tip.organisation_id or 0)),
                "links": [t.pk for t in selectors.tip_links_for(acting=acting, tip=tip)],
                "suggested_links": [t.pk for t in selectors.tip_link_suggestions_for(acting=acting, tip=tip)],
            }
        ).data
    )


class TipInboxQuery(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=TipStatus.choices,
        required=False,
        error_messages={"invalid_choice": f"Use one of: {', '.join(TipStatus.values)}."},
    )


class TipInboxApi(PalermoApiView):
    capabilities = {"get": TRIAGE}
    pagination_class = PagePagination

    @extend_schema(parameters=[TipInboxQuery], responses={200: TipSummaryOutput(many=True)})
    def get(self, request: Request) -> Response:
        """Tips routed to your organisation, newest first; `?status=` filters."""
        query = TipInboxQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        tips = selectors.tip_inbox_page_for(acting=self.acting)
        if query.validated_data.get("status"):
            tips = tips.filter(status=query.validated_data["status"])
        return self.page_response(TipSummaryOutput(self.page_of(tips), many=True).data)


class TipDetailApi(PalermoApiView):
    capabilities = {"get": TRIAGE}

    @extend_schema(responses={200: TipOutput, **error_responses(404)})
    def get(self, request: Request, tip_id: int) -> Response:
        return Response(_tip(self.acting, selectors.tip_get_for(acting=self.acting, tip_id=tip_id)))


class TipReplyInput(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, default="", help_text="What the reporter reads.")


class TipReplyApi(PalermoApiView):
    capabilities = {"post": TRIAGE}

    @extend_schema(request=TipReplyInput, responses={201: TipOutput, **error_responses(400, 404)})
    def post(self, request: Request, tip_id: int) -> Response:
        """Answer the reporter; they read it with their receipt."""
        tip = selectors.tip_get_for(acting=self.acting, tip_id=tip_id)
        data = TipReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.tip_reply(acting=self.acting, tip=tip, body=data.validated_data["body"])
        return Response(_tip(self.acting, tip), status=status.HTTP_201_CREATED)


class TipTriageInput(serializers.Serializer):
    status = serializers.CharField(required=False, help_text="Unchanged when left out.")
    priority = serializers.CharField(required=False, help_text="Unchanged when left out.")


class TipTriageApi(PalermoApiView):
    capabilities = {"post": TRIAGE}

    @extend_schema(request=TipTriageInput, responses={200: TipSummaryOutput, **error_responses(400, 404)})
    def post(self, request: Request, tip_id: int) -> Response:
        """Set the status and priority (forwarding has its own operation)."""
        tip = selectors.tip_get_for(acting=self.acting, tip_id=tip_id)
        data = TipTriageInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        tip = services.tip_triage(
            acting=self.acting,
            tip=tip,
            status=values.get("status", tip.status),
            priority=values.get("priority", tip.priority),
        )
        return Response(TipSummaryOutput(tip).data)


class TipAssignInput(serializers.Serializer):
    assigned_to = IntegerField(required=False, allow_null=True, default=None, help_text="A user id; null: nobody.")


class TipAssignApi(PalermoApiView):
    capabilities = {"post": TRIAGE}

    @extend_schema(request=TipAssignInput, responses={200: TipSummaryOutput, **error_responses(400, 404)})
    def post(self, request: Request, tip_id: int) -> Response:
        """Assign the tip to a member of your organisation who handles tips (`null`: nobody)."""
        tip = selectors.tip_get_for(acting=self.acting, tip_id=tip_id)
        data = TipAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        tip = services.tip_assign(acting=self.acting, tip=tip, user_id=data.validated_data["assigned_to"])
        return Response(TipSummaryOutput(tip).data)


class TipForwardInput(serializers.Serializer):
    organisation = IntegerField(help_text="The organisation that takes the tip over.")
    note = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")


class TipForwardedOutput(serializers.Serializer):
    tip = IntegerField(source="tip_id")
    to_organisation = IntegerField(source="to_organisation_id")
    forwarded_at = serializers.DateTimeField()


class TipForwardApi(PalermoApiView):
    capabilities = {"post": TRIAGE}

    @extend_schema(request=TipForwardInput, responses={201: TipForwardedOutput, **error_responses(400, 404)})
    def post(self, request: Request, tip_id: int) -> Response:
        """Forward the tip to another organisation; yours no longer sees it afterwards."""
        tip = selectors.tip_get_for(acting=self.acting, tip_id=tip_id)
        data = TipForwardInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        forward = services.tip_forward(
            acting=self.acting, tip=tip, organisation_id=values["organisation"], note=values["note"] or ""
        )
        return Response(TipForwardedOutput(forward).data, status=status.HTTP_201_CREATED)


class TipLinkInput(serializers.Serializer):
    other = IntegerField(help_text="Another tip in your inbox.")


class TipLinksOutput(serializers.Serializer):
    links = serializers.ListField(child=IntegerField())


class TipLinksApi(PalermoApiView):
    capabilities = {"post": TRIAGE}

    @extend_schema(request=TipLinkInput, responses={201: TipLinksOutput, **error_responses(400, 404)})
    def post(self, request: Request, tip_id: int) -> Response:
        """Link the tip to another tip in your inbox (same place, same matter)."""
        tip = selectors.tip_get_for(acting=self.acting, tip_id=tip_id)
        data = TipLinkInput(data=request.data)
        data.is_valid(raise_exception=True)
        other = selectors.tip_inbox_for(acting=self.acting).filter(pk=data.validated_data["other"]).first()
        if other is None:
            raise exceptions.ValidationError({"other": ["There is no tip with this number in your inbox."]})
        services.tip_link(acting=self.acting, tip=tip, other=other)
        links = [t.pk for t in selectors.tip_links_for(acting=self.acting, tip=tip)]
        return Response(TipLinksOutput({"links": links}).data, status=status.HTTP_201_CREATED)


class TipLinkApi(PalermoApiView):
    capabilities = {"delete": TRIAGE}

    @extend_schema(responses={204: None, **error_responses(404)})
    def delete(self, request: Request, tip_id: int, other_id: int) -> Response:
        tip = selectors.tip_get_for(acting=self.acting, tip_id=tip_id)
        services.tip_unlink(acting=self.acting, tip=tip, other_id=other_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


CHOOSE_KIND = gettext_lazy("Choose what to turn the tip into.")


class OrganisationChoice(IntegerField):
    """An organisation id that is not a number is no organisation: the conversion says so, with the
    other fields' problems, rather than this field alone."""

    def run_validation(self, data: Any = serializers.empty) -> int | None:
        try:
            return super().run_validation(data)
        except serializers.ValidationError:
            return None


class TipConvertInput(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=sorted(conversions.CONVERSION_KINDS),
        error_messages={"required": CHOOSE_KIND, "invalid_choice": CHOOSE_KIND, "null": CHOOSE_KIND},
    )
    catalogue = serializers.CharField(
        required=False, help_text="screening: the catalogue (by default the tip's form's)"
    )
    target = OrganisationChoice(required=False, allow_null=True, help_text="inspection_request: who should inspect")
    place = serializers.CharField(required=False, allow_blank=True, help_text="inspection_request: where")
    scope = serializers.CharField(required=False, allow_blank=True, help_text="inspection_request: what")


class TipConversionsApi(PalermoApiView):
    capabilities = {"post": TRIAGE}

    @extend_schema(request=TipConvertInput, responses={201: TipConvertedOutput, **error_responses(400, 403, 404)})
    def post(self, request: Request, tip_id: int) -> Response:
        """Turn the tip into a draft screening (`catalogue` optional; for roles that screen) or a recorded
        inspection request (`target` organisation id, `place`, `scope`: what to inspect)."""
        tip = selectors.tip_get_for(acting=self.acting, tip_id=tip_id)
        data = TipConvertInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        made = conversions.tip_convert(acting=self.acting, tip=tip, kind=values["kind"], data=values)
        return Response(TipConvertedOutput(made).data, status=status.HTTP_201_CREATED)


class TipPhotoApi(PalermoApiView):
    capabilities = {"get": TRIAGE}

    @extend_schema(
        responses={
            **{(200, content_type): OpenApiResponse(OpenApiTypes.BINARY) for content_type in PHOTO_TYPES},
            **error_responses(404),
        }
    )
    def get(self, request: Request, tip_id: int, photo_id: int) -> HttpResponse:
        """A photo sent with the tip, as a download; every download is audited."""
        photo = selectors.tip_photo_get_for(acting=self.acting, tip_id=tip_id, photo_id=photo_id)
        return attachment_response(photo.content, content_type=photo.content_type, filename=photo.filename)


class TipRouteOutput(serializers.Serializer):
    id = IntegerField(source="pk")
    exploitation = serializers.CharField(help_text='A form of exploitation, or "any"')
    area = serializers.CharField(help_text='"" for anywhere')
    organisation = IntegerField(source="organisation_id")
    fallback = serializers.BooleanField(source="is_fallback")


class TipRouteInput(serializers.Serializer):
    organisation = IntegerField()
    exploitation = serializers.CharField(required=False, allow_blank=True, default="")
    area = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")


# Deployment coordinators govern every route; coordinators route their own area's tips to themselves.
ROUTE_SETTERS = (Capability.PLANNING_MANAGE, Capability.DEPLOYMENT_GOVERN)


class TipRoutesApi(PalermoApiView):
    capabilities = {"get": Capability.PLANNING_MANAGE, "post": ROUTE_SETTERS}

    @extend_schema(responses={200: TipRouteOutput(many=True)})
    def get(self, request: Request) -> Response:
        """Where tips go: by form of exploitation ("any") and area ("" anywhere)."""
        return Response(TipRouteOutput(selectors.tip_routes_for(acting=self.acting), many=True).data)

    @extend_schema(request=TipRouteInput, responses={201: TipRouteOutput, **error_responses(400, 403)})
    def post(self, request: Request) -> Response:
        """Route tips to an organisation; a route for the same form and area is replaced. A coordinator routes
        the tips of a named area to their own organisation only (403 otherwise)."""
        data = TipRouteInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        route = services.tip_route_set(
            acting=self.acting,
            organisation_id=values["organisation"],
            exploitation=values["exploitation"],
            area=values["area"] or "",
        )
        return Response(TipRouteOutput(route).data, status=status.HTTP_201_CREATED)


class TipRouteApi(PalermoApiView):
    capabilities = {"delete": ROUTE_SETTERS}

    @extend_schema(responses={204: None, **error_responses(400, 403)})
    def delete(self, request: Request, route_id: int) -> Response:
        """Remove a route (400 when it is gone already, or is the fallback that must stay)."""
        services.tip_route_remove(acting=self.acting, route_id=route_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InspectionRequestOutput(serializers.Serializer):
    id = IntegerField(source="pk")
    tip = IntegerField(source="tip_id", allow_null=True)
    target = IntegerField(source="target_id")
    place = serializers.CharField()
    scope = serializers.CharField()
    status = serializers.ChoiceField(choices=InspectionRequestStatus.choices)
    created_at = serializers.DateTimeField()


class InspectionRequestsApi(PalermoApiView):
    capabilities = {"get": TRIAGE}

    @extend_schema(responses={200: InspectionRequestOutput(many=True)})
    def get(self, request: Request) -> Response:
        """Your organisation's recorded inspection requests (the listing is audited)."""
        inspections = selectors.inspection_requests_listed_for(acting=self.acting)
        return Response(InspectionRequestOutput(inspections, many=True).data)


class InspectionStatusInput(serializers.Serializer):
    status = serializers.CharField(required=False, allow_blank=True, default="")


class InspectionRequestStatusApi(PalermoApiView):
    capabilities = {"post": TRIAGE}

    @extend_schema(request=InspectionStatusInput, responses={200: InspectionRequestOutput, **error_responses(400, 404)})
    def post(self, request: Request, inspection_id: int) -> Response:
        inspection: InspectionRequest = selectors.inspection_request_get_for(
            acting=self.acting, inspection_id=inspection_id
        )
        data = InspectionStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        conversions.inspection_request_set_status(
            acting=self.acting, inspection=inspection, status=data.validated_data["status"]
        )
        return Response(InspectionRequestOutput(inspection).data)
