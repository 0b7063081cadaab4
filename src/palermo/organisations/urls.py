from django.urls import path

from palermo.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("members/", views.member_list, name="members"),
    path("members/<int:membership_id>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:secret>/", views.invitation_answer, name="invitation"),
]
