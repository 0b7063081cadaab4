from django.urls import path

from palermo.referrals import views

app_name = "referrals"
urlpatterns = [
    path("cases/<int:case_id>/refer/", views.referral_create, name="create"),
    path("referrals/", views.referral_inbox, name="list"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="detail"),
    path("referrals/<int:referral_id>/accept/", views.referral_accept, name="accept"),
    path("referrals/<int:referral_id>/decline/", views.referral_decline, name="decline"),
    path("referrals/<int:referral_id>/revoke/", views.referral_revoke, name="revoke"),
    path("referrals/<int:referral_id>/summary/", views.referral_summary, name="summary"),
    path("referrals/<int:referral_id>/summary.pdf", views.referral_summary_pdf, name="summary_pdf"),
]
