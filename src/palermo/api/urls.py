from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from palermo.api import errors
from palermo.identification import api as identification_api
from palermo.organisations import api as organisations_api
from palermo.people import api as people_api
from palermo.reporting import api as reporting_api

urlpatterns = [
    path("schema", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="api-schema"),
    path(
        "docs",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", authentication_classes=[], permission_classes=[]),
        name="api-docs",
    ),
    path("me", organisations_api.MeApi.as_view(), name="api-me"),
    path("organisations", organisations_api.OrganisationListApi.as_view(), name="api-organisations"),
    path("people", people_api.PersonListApi.as_view(), name="api-people"),
    path("people/search", people_api.PersonSearchApi.as_view(), name="api-people-search"),
    path("people/<int:person_id>", people_api.PersonDetailApi.as_view(), name="api-person"),
    path("persons", people_api.PersonsApi.as_view(), name="api-persons"),
    path("persons/search", people_api.PersonFindApi.as_view(), name="api-persons-search"),
    path("persons/possible-duplicates", people_api.PersonDuplicatesApi.as_view(), name="api-persons-duplicates"),
    path("persons/<int:person_id>", people_api.PersonApi.as_view(), name="api-persons-detail"),
    path("catalogues", identification_api.CatalogueListApi.as_view(), name="api-catalogues"),
    path("screenings/evaluate", identification_api.ScreeningEvaluateApi.as_view(), name="api-screening-evaluate"),
    path("screenings", identification_api.ScreeningListApi.as_view(), name="api-screenings"),
    path("screenings/<int:screening_id>", identification_api.ScreeningDetailApi.as_view(), name="api-screening"),
    path(
        "screenings/<int:screening_id>/refer",
        identification_api.ScreeningReferApi.as_view(),
        name="api-screening-refer",
    ),
    path(
        "screenings/<int:screening_id>/decisions",
        identification_api.DecisionListApi.as_view(),
        name="api-screening-decisions",
    ),
    path("public/tips", reporting_api.PublicTipApi.as_view(), name="api-public-tips"),
    path("public/tips/follow-up", reporting_api.PublicFollowUpApi.as_view(), name="api-public-tips-follow-up"),
    path("public/tips/messages", reporting_api.PublicMessagesApi.as_view(), name="api-public-tips-messages"),
    path("tips", reporting_api.TipInboxApi.as_view(), name="api-tips"),
    path("tips/<int:tip_id>", reporting_api.TipDetailApi.as_view(), name="api-tip"),
    path("tips/<int:tip_id>/reply", reporting_api.TipReplyApi.as_view(), name="api-tip-reply"),
    path("tips/<int:tip_id>/triage", reporting_api.TipTriageApi.as_view(), name="api-tip-triage"),
    re_path(r"^.*$", errors.not_found),
]
