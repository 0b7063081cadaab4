from django.urls import path

from palermo.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("members/", views.member_list, name="members"),
    path("members/<int:membership_id>/deactivate/", views.member_deactivate, name="member_deactivate"),
]
