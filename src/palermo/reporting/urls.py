from django.urls import path

from palermo.reporting import views

app_name = "reporting"
urlpatterns = [
    path("report/", views.tip_report, name="report"),
    path("report/<str:language>/", views.tip_report, name="report_in"),
    path("report/<str:language>/follow-up/", views.tip_follow_up, name="follow_up"),
    path("tips/", views.tip_inbox, name="inbox"),
    path("tips/forwarded/", views.tip_forwarded, name="forwarded"),
    path("tips/inspections/", views.inspection_requests, name="inspections"),
    path("tips/routes/", views.tip_routes, name="routes"),
    path("tips/routes/<int:route_id>/remove/", views.tip_route_remove, name="route_remove"),
    path("tips/<int:tip_id>/", views.tip_detail, name="detail"),
    path("tips/<int:tip_id>/photos/<int:photo_id>/", views.tip_photo, name="photo"),
]
