"""Version 1 of the API: every app's endpoints under /api/v1/. Here, at the top, not in palermo.api,
whose base modules (errors, fields, pagination, parsers) every app's API imports."""

from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from palermo.api import errors
from palermo.api.fields import IdConverter
from palermo.assistance import api as assistance_api
from palermo.cases import api as cases_api
from palermo.consent import api as consent_api
from palermo.directory import api as directory_api
from palermo.identification import api as identification_api
from palermo.matrix import api as matrix_api
from palermo.organisations import api as organisations_api
from palermo.people import api as people_api
from palermo.practices import api as practices_api
from palermo.referrals import api as referrals_api
from palermo.reporting import api as reporting_api
from palermo.worklist import api as worklist_api

register_converter(IdConverter, "id")

urlpatterns = [
    path("schema", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="api-schema"),
    path(
        "docs",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", authentication_classes=[], permission_classes=[]),
        name="api-docs",
    ),
    path("me", organisations_api.MeApi.as_view(), name="api-me"),
    path("organisations", organisations_api.OrganisationListApi.as_view(), name="api-organisations"),
    path("persons", people_api.PersonsApi.as_view(), name="api-persons"),
    path("persons/search", people_api.PersonFindApi.as_view(), name="api-persons-search"),
    path("persons/possible-duplicates", people_api.PersonDuplicatesApi.as_view(), name="api-persons-duplicates"),
    path("persons/<id:person_id>", people_api.PersonApi.as_view(), name="api-persons-detail"),
    path("catalogues", identification_api.CatalogueListApi.as_view(), name="api-catalogues"),
    path("screenings/evaluate", identification_api.ScreeningEvaluateApi.as_view(), name="api-screening-evaluate"),
    path("screenings", identification_api.ScreeningListApi.as_view(), name="api-screenings"),
    path("screenings/<id:screening_id>", identification_api.ScreeningDetailApi.as_view(), name="api-screening"),
    path(
        "screenings/<id:screening_id>/refer",
        identification_api.ScreeningReferApi.as_view(),
        name="api-screening-refer",
    ),
    path(
        "screenings/<id:screening_id>/decisions",
        identification_api.DecisionListApi.as_view(),
        name="api-screening-decisions",
    ),
    path("cases", cases_api.CaseListApi.as_view(), name="api-cases"),
    path("cases/<id:case_id>", cases_api.CaseDetailApi.as_view(), name="api-case"),
    path("cases/<id:case_id>/exploitation", cases_api.CaseExploitationApi.as_view(), name="api-case-exploitation"),
    path("cases/<id:case_id>/htcds", cases_api.CaseHtcdsApi.as_view(), name="api-case-htcds"),
    path("cases/<id:case_id>/screenings", cases_api.CaseScreeningLinkApi.as_view(), name="api-case-screenings"),
    path("cases/<id:case_id>/close", cases_api.CaseCloseApi.as_view(), name="api-case-close"),
    path("cases/<id:case_id>/reopen", cases_api.CaseReopenApi.as_view(), name="api-case-reopen"),
    path("cases/<id:case_id>/notes", cases_api.CaseNoteListApi.as_view(), name="api-case-notes"),
    path("cases/<id:case_id>/attachments", cases_api.CaseAttachmentListApi.as_view(), name="api-case-attachments"),
    path(
        "cases/<id:case_id>/attachments/<id:attachment_id>",
        cases_api.CaseAttachmentApi.as_view(),
        name="api-case-attachment",
    ),
    path("cases/<id:case_id>/consents", consent_api.CaseConsentListApi.as_view(), name="api-case-consents"),
    path("cases/<id:case_id>/legal-bases", consent_api.CaseLegalBasisListApi.as_view(), name="api-case-legal-bases"),
    path("consents/<id:consent_id>/withdraw", consent_api.ConsentWithdrawApi.as_view(), name="api-consent-withdraw"),
    path("referrals", referrals_api.ReferralListApi.as_view(), name="api-referrals"),
    path("referrals/<id:referral_id>", referrals_api.ReferralDetailApi.as_view(), name="api-referral"),
    path("referrals/<id:referral_id>/accept", referrals_api.ReferralAcceptApi.as_view(), name="api-referral-accept"),
    path("referrals/<id:referral_id>/decline", referrals_api.ReferralDeclineApi.as_view(), name="api-referral-decline"),
    path("referrals/<id:referral_id>/revoke", referrals_api.ReferralRevokeApi.as_view(), name="api-referral-revoke"),
    path("public/tips", reporting_api.PublicTipApi.as_view(), name="api-public-tips"),
    path("public/tips/follow-up", reporting_api.PublicFollowUpApi.as_view(), name="api-public-tips-follow-up"),
    path("public/tips/messages", reporting_api.PublicMessagesApi.as_view(), name="api-public-tips-messages"),
    path("tips", reporting_api.TipInboxApi.as_view(), name="api-tips"),
    path("tips/<id:tip_id>", reporting_api.TipDetailApi.as_view(), name="api-tip"),
    path("tips/<id:tip_id>/reply", reporting_api.TipReplyApi.as_view(), name="api-tip-reply"),
    path("tips/<id:tip_id>/triage", reporting_api.TipTriageApi.as_view(), name="api-tip-triage"),
    path("tips/<id:tip_id>/assign", reporting_api.TipAssignApi.as_view(), name="api-tip-assign"),
    path("tips/<id:tip_id>/forward", reporting_api.TipForwardApi.as_view(), name="api-tip-forward"),
    path("tips/<id:tip_id>/links", reporting_api.TipLinksApi.as_view(), name="api-tip-links"),
    path("tips/<id:tip_id>/links/<id:other_id>", reporting_api.TipLinkApi.as_view(), name="api-tip-link"),
    path("tips/<id:tip_id>/conversions", reporting_api.TipConversionsApi.as_view(), name="api-tip-conversions"),
    path("tips/<id:tip_id>/photos/<id:photo_id>", reporting_api.TipPhotoApi.as_view(), name="api-tip-photo"),
    path("tip-routes", reporting_api.TipRoutesApi.as_view(), name="api-tip-routes"),
    path("tip-routes/<id:route_id>", reporting_api.TipRouteApi.as_view(), name="api-tip-route"),
    path("inspection-requests", reporting_api.InspectionRequestsApi.as_view(), name="api-inspection-requests"),
    path(
        "inspection-requests/<id:inspection_id>/status",
        reporting_api.InspectionRequestStatusApi.as_view(),
        name="api-inspection-request-status",
    ),
    path("cases/<id:case_id>/pathway", assistance_api.PathwayApi.as_view(), name="api-case-pathway"),
    path("cases/<id:case_id>/recovery-period", assistance_api.RecoveryPeriodApi.as_view(), name="api-case-recovery"),
    path(
        "cases/<id:case_id>/return/consent", assistance_api.ReturnConsentApi.as_view(), name="api-case-return-consent"
    ),
    path(
        "cases/<id:case_id>/return/confirmation",
        assistance_api.ReturnConfirmationApi.as_view(),
        name="api-case-return-confirmation",
    ),
    path("cases/<id:case_id>/plan", assistance_api.PlanApi.as_view(), name="api-case-plan"),
    path("cases/<id:case_id>/plan/<id:item_id>", assistance_api.PlanItemApi.as_view(), name="api-case-plan-item"),
    path("cases/<id:case_id>/risk-assessments", assistance_api.RiskAssessmentsApi.as_view(), name="api-case-risk"),
    path("cases/<id:case_id>/risk-reviews", assistance_api.RiskReviewsApi.as_view(), name="api-case-risk-reviews"),
    path("work", worklist_api.WorkApi.as_view(), name="api-work"),
    path("tasks", worklist_api.TaskListApi.as_view(), name="api-tasks"),
    path("tasks/<id:task_id>", worklist_api.TaskDetailApi.as_view(), name="api-task"),
    path("directory", directory_api.DirectoryListApi.as_view(), name="api-directory"),
    path("directory/<id:entry_id>", directory_api.DirectoryDetailApi.as_view(), name="api-directory-entry"),
    path("matrices", matrix_api.MatrixListApi.as_view(), name="api-matrices"),
    path("matrices/<id:matrix_id>", matrix_api.MatrixDetailApi.as_view(), name="api-matrix"),
    path("matrices/<id:matrix_id>/actions", matrix_api.MatrixActionListApi.as_view(), name="api-matrix-actions"),
    path(
        "matrices/<id:matrix_id>/actions/<id:action_id>",
        matrix_api.MatrixActionDetailApi.as_view(),
        name="api-matrix-action",
    ),
    path("matrices/<id:matrix_id>/gaps", matrix_api.MatrixGapsApi.as_view(), name="api-matrix-gaps"),
    path("matrices/<id:matrix_id>/by-actor", matrix_api.MatrixByActorApi.as_view(), name="api-matrix-by-actor"),
    path("matrices/<id:matrix_id>/import", matrix_api.MatrixImportApi.as_view(), name="api-matrix-import"),
    path(
        "matrices/<id:matrix_id>/export.<str:file_format>",
        matrix_api.MatrixExportApi.as_view(),
        name="api-matrix-export",
    ),
    path("practices", practices_api.PracticeListApi.as_view(), name="api-practices"),
    path("practices/<slug:slug>", practices_api.PracticeDetailApi.as_view(), name="api-practice"),
    re_path(r"^.*$", errors.not_found),
]
