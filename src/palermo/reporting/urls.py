from django.urls import path

from palermo.reporting import views

app_name = "reporting"
urlpatterns = [
    path("report/", views.tip_report, name="report"),
    path("report/<str:language>/", views.tip_report, name="report_in"),
    path("report/<str:language>/follow-up/", views.tip_follow_up, name="follow_up"),
    path("tips/", views.tip_inbox, name="inbox"),
    path("tips/<int:tip_id>/", views.tip_detail, name="detail"),
]
