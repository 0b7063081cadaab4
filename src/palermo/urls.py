from django.urls import include, path
from django.views.i18n import set_language

from palermo.accounts.urls import member_urlpatterns
from palermo.organisations.urls import urlpatterns as organisation_urlpatterns

urlpatterns = [
    path("", include("palermo.home.urls")),
    path("", include("palermo.accounts.urls")),
    path("language/", set_language, name="set_language"),
    # The organisation directory, then an organisation's members and invitations (pages of accounts).
    path("organisations/", include((organisation_urlpatterns + member_urlpatterns, "organisations"))),
    path("people/", include("palermo.people.urls")),
    path("screenings/", include("palermo.identification.urls")),
    path("", include("palermo.cases.urls")),
    path("", include("palermo.consent.urls")),
    path("", include("palermo.referrals.urls")),
    path("", include("palermo.reporting.urls")),
    path("audit/", include("palermo.audit.urls")),
    path("cases/<int:case_id>/assistance/", include("palermo.assistance.urls")),
    path("work/", include("palermo.worklist.urls")),
    path("directory/", include("palermo.directory.urls")),
    path("matrices/", include("palermo.matrix.urls")),
    path("practices/", include("palermo.practices.urls")),
    path("api/v1/", include("palermo.api_urls")),
]

handler400 = "palermo.web.views.error_400"
handler403 = "palermo.web.views.error_403"
handler404 = "palermo.web.views.error_404"
handler500 = "palermo.web.views.error_500"
