"""API for cases, their notes and files: the same selectors and services as the pages.

A case or file outside the acting user's scope is 404; a role without the capability is 403.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from palermo.api.errors import error_body, error_responses
from palermo.api.fields import IntegerField
from palermo.api.pagination import PagePagination
from palermo.api.parsers import MultiPartParser
from palermo.api.views import PalermoApiView
from palermo.attachments.downloads import attachment_response
from palermo.attachments.uploads import limit_uploads
from palermo.audit.services import audit_record
from palermo.cases import selectors, services, vocabularies
from palermo.cases.htcds import case_to_htcds
from palermo.cases.models import Case, CaseAttachment, CaseStatus
from palermo.identification.models import DecisionResult, Outcome
from palermo.identification.selectors import IdentificationStatus, screening_get_for
from palermo.people.selectors import person_get_for
from palermo.permissions import Capability

# Reading a case takes seeing the people it is about; changing it, managing cases (the services check too).
VIEW_CASE = (Capability.PERSON_VIEW_OWN, Capability.PERSON_VIEW_ORGANISATION)
MANAGE = Capability.CASE_MANAGE

# Choice sets named once in the schema (settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
CLOSURE_REASONS = vocabularies.codes("closure_reasons")
HTCDS_STATUSES = ("Active", "FollowUp", "Closed", "ClosedReferred")

# --- Cases ---------------------------------------------------------------------------------------------


class CaseScreeningOutput(serializers.Serializer):
    """A screening of the case with its current decisions (reconsidered ones are left out)."""

    id = IntegerField(source="screening.pk")
    outcome = serializers.ChoiceField(
        source="screening.outcome", choices=Outcome.choices, allow_blank=True, help_text="Empty until completed."
    )
    reasonable_grounds = serializers.ChoiceField(
        source="grounds.result", choices=DecisionResult.choices, allow_null=True
    )
    conclusive = serializers.ChoiceField(source="conclusive.result", choices=DecisionResult.choices, allow_null=True)


class CaseOutput(serializers.Serializer):
    """A case; `context["identification"]` holds the statuses of its screenings (`cases_identification`)."""

    id = IntegerField()
    reference = serializers.CharField()
    person = IntegerField(source="person_id")
    person_reference = serializers.CharField(source="person.reference")
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    htcds_status = serializers.SerializerMethodField()
    trafficking_status = serializers.SerializerMethodField()
    assigned_to = serializers.SerializerMethodField(help_text="The case workers' user ids.")
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closure_reason = serializers.ChoiceField(choices=CLOSURE_REASONS, allow_blank=True)
    closure_note = serializers.CharField(allow_blank=True)
    follow_up_on = serializers.DateField(allow_null=True)
    exploitation_types = serializers.ListField(child=serializers.CharField(), help_text="HTCDS 2.0 codes.")
    methods_of_control = serializers.ListField(child=serializers.CharField(), help_text="HTCDS 2.0 codes.")
    recruitment_country = serializers.CharField(allow_blank=True)
    recruitment_locality = serializers.CharField(allow_blank=True)
    exploitation_country = serializers.CharField(allow_blank=True)
    exploitation_locality = serializers.CharField(allow_blank=True)
    screenings = serializers.SerializerMethodField()

    def _statuses(self, case: Case) -> list[IdentificationStatus]:
        found: list[IdentificationStatus] = self.context["identification"][case.pk]
        return found

    @extend_schema_field(serializers.ChoiceField(choices=HTCDS_STATUSES))
    def get_htcds_status(self, case: Case) -> str:
        return selectors.htcds_case_status(case)

    @extend_schema_field(serializers.ChoiceField(choices=selectors.STATUS_PRECEDENCE))
    def get_trafficking_status(self, case: Case) -> str:
        return selectors.case_trafficking_status(case, statuses=self._statuses(case))

    @extend_schema_field(serializers.ListField(child=IntegerField()))
    def get_assigned_to(self, case: Case) -> list[int]:
        # .all(): the case list prefetched them
        return sorted(user.pk for user in case.assigned_to.all())

    @extend_schema_field(CaseScreeningOutput(many=True))
    def get_screenings(self, case: Case) -> Any:
        return CaseScreeningOutput(self._statuses(case), many=True).data


def _cases(cases: Sequence[Case]) -> Any:
    """The cases through `CaseOutput`, their screenings' decisions read once for all of them."""
    return CaseOutput(cases, many=True, context={"identification": selectors.cases_identification(cases)}).data


def _case(case: Case) -> Any:
    return _cases([case])[0]


class CaseOpenInput(serializers.Serializer):
    person = IntegerField()
    screening = IntegerField(required=False, allow_null=True, default=None)


class CaseListApi(PalermoApiView):
    capabilities = {"get": VIEW_CASE, "post": Capability.CASE_OPEN}
    pagination_class = PagePagination

    @extend_schema(responses={200: CaseOutput(many=True)}, operation_id="cases_list")
    def get(self, request: Request) -> Response:
        """Cases of your organisation that your role may see, newest first (the page read is audited)."""
        page = self.page_of(selectors.case_list_for(acting=self.acting))
        selectors.case_list_audited(acting=self.acting, cases=page)
        return self.page_response(_cases(page))

    @extend_schema(request=CaseOpenInput, responses={201: CaseOutput, **error_responses(400, 404)})
    def post(self, request: Request) -> Response:
        """Open a case for a person (optionally linking the screening it came from)."""
        acting = self.acting
        data = CaseOpenInput(data=request.data)
        data.is_valid(raise_exception=True)
        person = person_get_for(acting=acting, person_id=data.validated_data["person"])
        screening_id = data.validated_data["screening"]
        screening = screening_get_for(acting=acting, screening_id=screening_id) if screening_id else None
        case = services.case_open(acting=acting, person=person, screening=screening)
        return Response(_case(case), status=status.HTTP_201_CREATED)


class CaseDetailApi(PalermoApiView):
    capabilities = {"get": VIEW_CASE}

    @extend_schema(responses={200: CaseOutput, **error_responses(404)})
    def get(self, request: Request, case_id: int) -> Response:
        """One case (the read is audited)."""
        return Response(_case(selectors.case_get_for(acting=self.acting, case_id=case_id)))


class ExploitationInput(serializers.Serializer):
    exploitation_types = serializers.ListField(child=serializers.CharField(), default=list)
    methods_of_control = serializers.ListField(child=serializers.CharField(), default=list)
    recruitment_country = serializers.CharField(required=False, allow_blank=True, default="")
    recruitment_locality = serializers.CharField(required=False, allow_blank=True, default="")
    exploitation_country = serializers.CharField(required=False, allow_blank=True, default="")
    exploitation_locality = serializers.CharField(required=False, allow_blank=True, default="")


class CaseExploitationApi(PalermoApiView):
    capabilities = {"put": MANAGE}

    @extend_schema(request=ExploitationInput, responses={200: CaseOutput, **error_responses(400, 404)})
    def put(self, request: Request, case_id: int) -> Response:
        """Forms of exploitation and methods of control (HTCDS 2.0 codes), places of recruitment and exploitation."""
        acting = self.acting
        case = selectors.case_get_for(acting=acting, case_id=case_id)
        data = ExploitationInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_update_exploitation(acting=acting, case=case, **data.validated_data)
        return Response(_case(case))


class HtcdsEventOutput(serializers.Serializer):
    hte_Type = serializers.ChoiceField(choices=["Recruitment", "Exploitation"])
    hte_Country = serializers.CharField(allow_blank=True)
    hte_City = serializers.CharField(allow_blank=True)


class HtcdsCaseOutput(serializers.Serializer):
    """HTCDS 2.0 field names; `palermo_*` fields carry what the standard has no field for."""

    standard = serializers.CharField()
    attribution = serializers.CharField()
    cas_CaseNumber = serializers.CharField()
    cas_Status = serializers.ChoiceField(choices=HTCDS_STATUSES)
    cas_ReasonForCaseClosure = serializers.CharField(allow_blank=True)
    cas_CaseOwner = serializers.ListField(
        child=serializers.CharField(), help_text="The case workers, as `palermo-user-<id>` (never their e-mail)."
    )
    prs_Reference = serializers.CharField()
    vic_TraffickingStatus = serializers.CharField()
    vic_TypeOfExploitation = serializers.ListField(child=serializers.CharField())
    vic_MethodsOfControl = serializers.ListField(child=serializers.CharField())
    historic_trafficking_events = HtcdsEventOutput(many=True)
    palermo_CaseOwnerOrganisation = serializers.CharField(help_text="The organisation that holds the case.")
    palermo_TraffickingStatus = serializers.ChoiceField(choices=selectors.STATUS_PRECEDENCE)
    palermo_ClosureReason = serializers.CharField(allow_blank=True)
    palermo_FollowUpDate = serializers.DateField(allow_null=True)


class CaseHtcdsApi(PalermoApiView):
    capabilities = {"get": VIEW_CASE}

    @extend_schema(responses={200: HtcdsCaseOutput, **error_responses(404)})
    def get(self, request: Request, case_id: int) -> Response:
        """The case in HTCDS 2.0 field names and values (IOM, CC BY 4.0); the export is audited."""
        acting = self.acting
        case = selectors.case_get_for(acting=acting, case_id=case_id)
        audit_record(acting=acting, action="case.export", target=case, detail={"format": "htcds"})
        return Response(HtcdsCaseOutput(case_to_htcds(case)).data)


class LinkScreeningInput(serializers.Serializer):
    screening = IntegerField()


class CaseScreeningLinkApi(PalermoApiView):
    capabilities = {"post": Capability.CASE_OPEN}

    @extend_schema(request=LinkScreeningInput, responses={200: CaseOutput, **error_responses(400, 404)})
    def post(self, request: Request, case_id: int) -> Response:
        """Link a screening to the case (screenings of the case's person count without a link)."""
        acting = self.acting
        case = selectors.case_get_for(acting=acting, case_id=case_id)
        data = LinkScreeningInput(data=request.data)
        data.is_valid(raise_exception=True)
        screening = screening_get_for(acting=acting, screening_id=data.validated_data["screening"])
        services.case_link_screening(acting=acting, case=case, screening=screening)
        return Response(_case(case))


class CloseInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CLOSURE_REASONS)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)


class CaseCloseApi(PalermoApiView):
    capabilities = {"post": MANAGE}

    @extend_schema(request=CloseInput, responses={200: CaseOutput, **error_responses(400, 404)})
    def post(self, request: Request, case_id: int) -> Response:
        """Close the case with a reason (a code of closure_reasons), a note and a follow-up date."""
        acting = self.acting
        case = selectors.case_get_for(acting=acting, case_id=case_id)
        data = CloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(_case(services.case_close(acting=acting, case=case, **data.validated_data)))


class ReopenInput(serializers.Serializer):
    reason = serializers.CharField()


class CaseReopenApi(PalermoApiView):
    capabilities = {"post": MANAGE}

    @extend_schema(request=ReopenInput, responses={200: CaseOutput, **error_responses(400, 404)})
    def post(self, request: Request, case_id: int) -> Response:
        """Reopen a closed case, saying why."""
        acting = self.acting
        case = selectors.case_get_for(acting=acting, case_id=case_id)
        data = ReopenInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(_case(services.case_reopen(acting=acting, case=case, **data.validated_data)))


# --- Notes ---------------------------------------------------------------------------------------------


class NoteOutput(serializers.Serializer):
    id = IntegerField()
    text = serializers.CharField()
    author = IntegerField(source="author_id", help_text="The author's user id.")
    created_at = serializers.DateTimeField()


class NoteInput(serializers.Serializer):
    text = serializers.CharField(help_text="Append-only: a note is never changed or removed.")


class CaseNoteListApi(PalermoApiView):
    capabilities = {"get": VIEW_CASE, "post": MANAGE}

    @extend_schema(responses={200: NoteOutput(many=True), **error_responses(404)})
    def get(self, request: Request, case_id: int) -> Response:
        """The case's notes, oldest first. Notes are never shared by referral."""
        case = selectors.case_get_for(acting=self.acting, case_id=case_id)
        return Response(NoteOutput(case.notes.all(), many=True).data)

    @extend_schema(request=NoteInput, responses={201: NoteOutput, **error_responses(400, 404)})
    def post(self, request: Request, case_id: int) -> Response:
        """Add a note to the case."""
        acting = self.acting
        case = selectors.case_get_for(acting=acting, case_id=case_id)
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.case_note_add(acting=acting, case=case, text=data.validated_data["text"])
        return Response(NoteOutput(note).data, status=status.HTTP_201_CREATED)


# --- Attachments -------------------------------------------------------------------------------------


# What a kept file is: images are re-encoded as JPEG or PNG (attachments/images.py), PDFs stay PDFs.
ATTACHMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")


class CaseAttachmentOutput(serializers.Serializer):
    id = IntegerField()
    case = IntegerField(source="case_id")
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    content_type = serializers.ChoiceField(choices=ATTACHMENT_TYPES)
    size = IntegerField()
    width = IntegerField(allow_null=True)
    height = IntegerField(allow_null=True)
    uploaded_by = IntegerField(source="uploaded_by_id")
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField(help_text="GET it to download the file.")

    def get_url(self, attachment: CaseAttachment) -> str:
        return reverse("api-case-attachment", args=[attachment.case_id, attachment.pk])


class CaseAttachmentInput(serializers.Serializer):
    # Empty or not, the service checks the file itself and answers with its own rejection code.
    file = serializers.FileField(allow_empty_file=True)
    title = serializers.CharField(required=False, allow_blank=True, default="", help_text="The file's name if none.")
    description = serializers.CharField(required=False, allow_blank=True, default="")


ATTACHMENT_REJECTIONS = (
    "too_large, empty, unsupported_type, not_a_pdf, damaged, too_many_pixels, encrypted, too_complex, "
    "javascript, open_action, embedded_file, launch_action, too_many"
)


class CaseAttachmentListApi(PalermoApiView):
    capabilities = {"get": VIEW_CASE, "post": MANAGE}
    parser_classes = [MultiPartParser]

    @extend_schema(
        responses={200: CaseAttachmentOutput(many=True), **error_responses(404)}, operation_id="case_attachments_list"
    )
    def get(self, request: Request, case_id: int) -> Response:
        """The case's files, newest first (without content). Files are never shared by referral."""
        case = selectors.case_get_for(acting=self.acting, case_id=case_id)
        return Response(CaseAttachmentOutput(selectors.case_attachments(case), many=True).data)

    @extend_schema(
        request={"multipart/form-data": CaseAttachmentInput},
        responses={201: CaseAttachmentOutput, **error_responses(400, 404)},
        description="multipart/form-data with one `file`: a PDF document or a JPEG, PNG or WebP image, up to "
        "PALERMO_CASE_ATTACHMENT_MAX_MB (10 MB by default). Images are re-encoded without metadata; PDFs are "
        "rewritten without the information dictionary and XMP. A refused file answers 400 with one of these "
        f"error codes: {ATTACHMENT_REJECTIONS}.",
    )
    def post(self, request: Request, case_id: int) -> Response:
        """Add a file to the case."""
        # Before anything reads the body: in memory only, and never more than the limit kept.
        limit_uploads(request._request, max_bytes=services.attachment_max_bytes(), max_files=1)
        acting = self.acting
        case = selectors.case_get_for(acting=acting, case_id=case_id)
        if len(request.FILES.getlist("file")) != 1:
            message = _("Send exactly one file, in the multipart field `file`.")
            return Response(error_body("invalid", message, {"file": [message]}), status=400)
        data = CaseAttachmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            attachment = services.case_attachment_add(
                acting=acting,
                case=case,
                upload=data.validated_data["file"],
                title=data.validated_data["title"],
                description=data.validated_data["description"],
            )
        except services.AttachmentRejected as rejected:
            return Response(error_body(rejected.rejection, rejected.text, {"file": [rejected.text]}), status=400)
        return Response(CaseAttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


class CaseAttachmentApi(PalermoApiView):
    capabilities = {"get": VIEW_CASE, "delete": MANAGE}

    @extend_schema(
        responses={
            **{(200, content_type): OpenApiResponse(OpenApiTypes.BINARY) for content_type in ATTACHMENT_TYPES},
            **error_responses(404),
        }
    )
    def get(self, request: Request, case_id: int, attachment_id: int) -> HttpResponse:
        """The file itself, as a download; every download is audited."""
        attachment = selectors.case_attachment_get_for(acting=self.acting, case_id=case_id, attachment_id=attachment_id)
        return attachment_response(
            attachment.content, content_type=attachment.content_type, filename=attachment.filename
        )

    @extend_schema(responses={204: None, **error_responses(404)})
    def delete(self, request: Request, case_id: int, attachment_id: int) -> Response:
        """Remove a file for good; the case history and the audit trail keep that it existed."""
        acting = self.acting
        attachment = selectors.case_attachment_get_for(
            acting=acting, case_id=case_id, attachment_id=attachment_id, to_remove=True
        )
        services.case_attachment_remove(acting=acting, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)
