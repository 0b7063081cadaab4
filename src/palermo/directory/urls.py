from django.urls import path

from palermo.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.directory_list, name="list"),
    path("new/", views.directory_create, name="create"),
    path("<int:entry_id>/", views.directory_detail, name="detail"),
    path("<int:entry_id>/edit/", views.directory_update, name="update"),
]
