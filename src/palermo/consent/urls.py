from django.urls import path

from palermo.consent import views

app_name = "consent"
urlpatterns = [
    path("cases/<int:case_id>/consents/new/", views.consent_create, name="create"),
    path("cases/<int:case_id>/consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="withdraw"),
    path("cases/<int:case_id>/legal-basis/new/", views.legal_basis_create, name="legal_basis_create"),
]
