"""Included under /cases/<case_id>/assistance/ (the case page itself belongs to the cases app)."""

from django.urls import path

from palermo.assistance import views

app_name = "assistance"
urlpatterns = [
    path("", views.case_assistance, name="panel"),
    path("stages/<slug:stage>/", views.stage_update, name="stage_update"),
    path("plan/", views.plan_item_add, name="plan_item_add"),
    path("plan/<int:item_id>/status/", views.plan_item_status, name="plan_item_status"),
    path("risk/", views.risk_assess, name="risk_assess"),
    path("risk/reviews/", views.risk_review_request, name="risk_review_request"),
    path("recovery/", views.recovery_start, name="recovery_start"),
    path("return/consent/", views.return_consent, name="return_consent"),
    path("return/confirmation/", views.return_confirmation, name="return_confirmation"),
]
