from django.urls import path

from palermo.cases import views

app_name = "cases"
urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/open/", views.case_open, name="open"),
    path("cases/<int:case_id>/", views.case_detail, name="detail"),
    path("cases/<int:case_id>/exploitation/", views.case_exploitation, name="exploitation"),
    path("cases/<int:case_id>/assign/", views.case_assign, name="assign"),
    path("cases/<int:case_id>/notes/", views.case_note, name="note"),
    path("cases/<int:case_id>/attachments/", views.case_attachment_add, name="attachment_add"),
    path(
        "cases/<int:case_id>/attachments/<int:attachment_id>/",
        views.case_attachment_download,
        name="attachment",
    ),
    path(
        "cases/<int:case_id>/attachments/<int:attachment_id>/remove/",
        views.case_attachment_remove,
        name="attachment_remove",
    ),
    path("cases/<int:case_id>/close/", views.case_close, name="close"),
    path("cases/<int:case_id>/reopen/", views.case_reopen, name="reopen"),
    path("cases/<int:case_id>/htcds.json", views.case_htcds, name="htcds"),
]
