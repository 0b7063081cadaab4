"""API for cases, their notes and files: the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palermo.api.authentication import api_actor
from palermo.api.errors import error_body
from palermo.api.fields import IntegerField
from palermo.api.pagination import PagePagination
from palermo.api.parsers import MultiPartParser
from palermo.attachments.downloads import attachment_response
from palermo.attachments.uploads import limit_uploads
from palermo.audit.services import audit_record
from palermo.cases import selectors, services, vocabularies
from palermo.cases.htcds import case_to_htcds
from palermo.cases.models import (
    Case,
    CaseAttachment,
    CaseNote,
)
from palermo.cases.people import person_reference
from palermo.identification.selectors import identification_statuses, screening_get_for
from palermo.people.selectors import person_get_for


def _case_json(case: Case) -> dict[str, Any]:
    statuses = identification_statuses(selectors.case_screenings(case))
    screenings = [
        {
            "id": state.screening.pk,
            "outcome": state.screening.outcome,
            "reasonable_grounds": state.grounds.result if state.grounds else None,
            "conclusive": state.conclusive.result if state.conclusive else None,
        }
        for state in statuses
    ]
    return {
        "id": case.pk,
        "reference": case.reference,
        "person": case.person_id,
        "person_reference": person_reference(case.person),
        "status": case.status,
        "htcds_status": selectors.htcds_case_status(case),
        "trafficking_status": selectors.case_trafficking_status(case, statuses=statuses),
        "assigned_to": sorted(case.assigned_to.values_list("pk", flat=True)),
        "opened_at": case.opened_at.isoformat(),
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "closure_reason": case.closure_reason,
        "closure_note": case.closure_note,
        "follow_up_on": case.follow_up_on.isoformat() if case.follow_up_on else None,
        "exploitation_types": list(case.exploitation_types or []),
        "methods_of_control": list(case.methods_of_control or []),
        "recruitment_country": case.recruitment_country,
        "recruitment_locality": case.recruitment_locality,
        "exploitation_country": case.exploitation_country,
        "exploitation_locality": case.exploitation_locality,
        "screenings": screenings,
    }


CaseOutput = inline_serializer(
    "Case",
    {
        "id": IntegerField(),
        "reference": serializers.CharField(),
        "person": IntegerField(),
        "status": serializers.ChoiceField(["open", "closed"]),
        "htcds_status": serializers.CharField(),
        "trafficking_status": serializers.ChoiceField(["possible", "presumed", "identified", "not_a_victim"]),
        "exploitation_types": serializers.ListField(child=serializers.CharField()),
        "methods_of_control": serializers.ListField(child=serializers.CharField()),
    },
)


class CaseOpenInput(serializers.Serializer):
    person = IntegerField()
    screening = IntegerField(required=False, allow_null=True, default=None)


class CaseListApi(APIView):
    @extend_schema(responses=CaseOutput, operation_id="cases_list")
    def get(self, request: Request) -> Response:
        """Cases of your organisation that your role may see, newest first."""
        actor = api_actor(request)
        paginator = PagePagination()
        page = paginator.paginate_queryset(selectors.case_list_for(actor=actor), request, view=self) or []
        selectors.case_list_audited(actor=actor, cases=page)
        return paginator.get_paginated_response([_case_json(c) for c in page])

    @extend_schema(request=CaseOpenInput, responses={201: CaseOutput})
    def post(self, request: Request) -> Response:
        """Open a case for a person (optionally linking the screening it came from)."""
        actor = api_actor(request)
        data = CaseOpenInput(data=request.data)
        data.is_valid(raise_exception=True)
        person = person_get_for(actor=actor, person_id=data.validated_data["person"])
        screening_id = data.validated_data["screening"]
        screening = screening_get_for(actor=actor, screening_id=screening_id) if screening_id else None
        case = services.case_open(actor=actor, person=person, screening=screening)
        return Response(_case_json(case), status=status.HTTP_201_CREATED)


class CaseDetailApi(APIView):
    @extend_schema(responses=CaseOutput)
    def get(self, request: Request, case_id: int) -> Response:
        return Response(_case_json(selectors.case_get_for(actor=api_actor(request), case_id=case_id)))


class ExploitationInput(serializers.Serializer):
    exploitation_types = serializers.ListField(child=serializers.CharField(), default=list)
    methods_of_control = serializers.ListField(child=serializers.CharField(), default=list)
    recruitment_country = serializers.CharField(required=False, allow_blank=True, default="")
    recruitment_locality = serializers.CharField(required=False, allow_blank=True, default="")
    exploitation_country = serializers.CharField(required=False, allow_blank=True, default="")
    exploitation_locality = serializers.CharField(required=False, allow_blank=True, default="")


class CaseExploitationApi(APIView):
    @extend_schema(request=ExploitationInput, responses=CaseOutput)
    def put(self, request: Request, case_id: int) -> Response:
        """Forms of exploitation and methods of control (HTCDS 2.0 codes), places of recruitment and exploitation."""
        actor = api_actor(request)
        case = selectors.case_get_for(actor=actor, case_id=case_id)
        data = ExploitationInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_update_exploitation(actor=actor, case=case, **data.validated_data)
        return Response(_case_json(case))


class CaseHtcdsApi(APIView):
    @extend_schema(responses=inline_serializer("HtcdsCase", {"cas_CaseNumber": serializers.CharField()}))
    def get(self, request: Request, case_id: int) -> Response:
        """The case in HTCDS 2.0 field names and values (IOM, CC BY 4.0)."""
        actor = api_actor(request)
        case = selectors.case_get_for(actor=actor, case_id=case_id)
        audit_record(actor=actor, action="case.export", target=case, detail={"format": "htcds"})
        return Response(case_to_htcds(case))


class LinkScreeningInput(serializers.Serializer):
    screening = IntegerField()


class CaseScreeningLinkApi(APIView):
    @extend_schema(request=LinkScreeningInput, responses=CaseOutput)
    def post(self, request: Request, case_id: int) -> Response:
        """Link a screening to the case (screenings of the case's person count without a link)."""
        actor = api_actor(request)
        case = selectors.case_get_for(actor=actor, case_id=case_id)
        data = LinkScreeningInput(data=request.data)
        data.is_valid(raise_exception=True)
        screening = screening_get_for(actor=actor, screening_id=data.validated_data["screening"])
        services.case_link_screening(actor=actor, case=case, screening=screening)
        return Response(_case_json(case))


class CloseInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=vocabularies.codes("closure_reasons"))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)


class CaseCloseApi(APIView):
    @extend_schema(request=CloseInput, responses=CaseOutput)
    def post(self, request: Request, case_id: int) -> Response:
        actor = api_actor(request)
        case = selectors.case_get_for(actor=actor, case_id=case_id)
        data = CloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(_case_json(services.case_close(actor=actor, case=case, **data.validated_data)))


class ReopenInput(serializers.Serializer):
    reason = serializers.CharField()


class CaseReopenApi(APIView):
    @extend_schema(request=ReopenInput, responses=CaseOutput)
    def post(self, request: Request, case_id: int) -> Response:
        actor = api_actor(request)
        case = selectors.case_get_for(actor=actor, case_id=case_id)
        data = ReopenInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(_case_json(services.case_reopen(actor=actor, case=case, **data.validated_data)))


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseNote
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class CaseNoteListApi(APIView):
    @extend_schema(responses=NoteSerializer(many=True))
    def get(self, request: Request, case_id: int) -> Response:
        """The case's notes, oldest first. Notes are never shared by referral."""
        case = selectors.case_get_for(actor=api_actor(request), case_id=case_id)
        return Response(NoteSerializer(case.notes.all(), many=True).data)

    @extend_schema(request=NoteSerializer, responses={201: NoteSerializer})
    def post(self, request: Request, case_id: int) -> Response:
        actor = api_actor(request)
        case = selectors.case_get_for(actor=actor, case_id=case_id)
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.case_note_add(actor=actor, case=case, text=data.validated_data["text"])
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


# --- Attachments -------------------------------------------------------------------------------------


def _attachment_json(attachment: CaseAttachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "case": attachment.case_id,
        "title": attachment.title,
        "description": attachment.description,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "width": attachment.width,
        "height": attachment.height,
        "uploaded_by": attachment.uploaded_by_id,
        "uploaded_at": attachment.uploaded_at.isoformat(),
        "url": reverse("api-case-attachment", args=[attachment.case_id, attachment.pk]),
    }


ATTACHMENT_FIELDS: dict[str, serializers.Field] = {
    "id": IntegerField(),
    "case": IntegerField(),
    "title": serializers.CharField(),
    "description": serializers.CharField(),
    "content_type": serializers.ChoiceField(["application/pdf", "image/jpeg", "image/png"]),
    "size": IntegerField(),
    "width": IntegerField(allow_null=True),
    "height": IntegerField(allow_null=True),
    "uploaded_by": IntegerField(),
    "uploaded_at": serializers.DateTimeField(),
    "url": serializers.CharField(help_text="GET it to download the file."),
}
AttachmentOutput = inline_serializer("CaseAttachment", ATTACHMENT_FIELDS)
ATTACHMENT_REJECTIONS = (
    "too_large, empty, unsupported_type, not_a_pdf, damaged, too_many_pixels, encrypted, too_complex, "
    "javascript, open_action, embedded_file, launch_action, too_many"
)


class CaseAttachmentListApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        responses=inline_serializer("CaseAttachmentList", ATTACHMENT_FIELDS, many=True),
        operation_id="case_attachments_list",
    )
    def get(self, request: Request, case_id: int) -> Response:
        """The case's files, newest first (without content). Files are never shared by referral."""
        case = selectors.case_get_for(actor=api_actor(request), case_id=case_id)
        return Response([_attachment_json(a) for a in selectors.case_attachments(case)])

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "CaseAttachmentInput",
                {
                    "file": serializers.FileField(),
                    "title": serializers.CharField(required=False),
                    "description": serializers.CharField(required=False),
                },
            )
        },
        responses={201: AttachmentOutput},
        description="multipart/form-data with one `file`: a PDF document or a JPEG, PNG or WebP image, up to "
        "PALERMO_CASE_ATTACHMENT_MAX_MB (10 MB by default). Images are re-encoded without metadata; PDFs are "
        "rewritten without the information dictionary and XMP. A refused file answers 400 with one of these "
        f"error codes: {ATTACHMENT_REJECTIONS}.",
    )
    def post(self, request: Request, case_id: int) -> Response:
        """Add a file to the case."""
        # Before anything reads the body: in memory only, and never more than the limit kept.
        limit_uploads(request._request, max_bytes=services.attachment_max_bytes(), max_files=1)
        actor = api_actor(request)
        case = selectors.case_get_for(actor=actor, case_id=case_id)
        files = request.FILES.getlist("file")
        if len(files) != 1:
            message = _("Send exactly one file, in the multipart field `file`.")
            return Response(error_body("invalid", message, {"file": [message]}), status=400)
        try:
            attachment = services.case_attachment_add(
                actor=actor,
                case=case,
                upload=files[0],
                title=str(request.data.get("title", "")),
                description=str(request.data.get("description", "")),
            )
        except services.AttachmentRejected as rejected:
            return Response(error_body(rejected.rejection, rejected.text, {"file": [rejected.text]}), status=400)
        return Response(_attachment_json(attachment), status=status.HTTP_201_CREATED)


class CaseAttachmentApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request: Request, case_id: int, attachment_id: int) -> HttpResponse:
        """The file itself, as a download; every download is audited."""
        attachment = selectors.case_attachment_get_for(
            actor=api_actor(request), case_id=case_id, attachment_id=attachment_id
        )
        return attachment_response(
            attachment.content, content_type=attachment.content_type, filename=attachment.filename
        )

    @extend_schema(responses={204: None})
    def delete(self, request: Request, case_id: int, attachment_id: int) -> Response:
        """Remove a file for good; the case history and the audit trail keep that it existed."""
        actor = api_actor(request)
        attachment = selectors.case_attachment_get_for(
            actor=actor, case_id=case_id, attachment_id=attachment_id, to_remove=True
        )
        services.case_attachment_remove(actor=actor, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)
