from django.urls import path

from palermo.identification import views

app_name = "identification"
urlpatterns = [
    path("", views.screening_list, name="list"),
    path("new/", views.screening_start, name="start"),
    path("<int:screening_id>/", views.screening_detail, name="detail"),
    path("<int:screening_id>/topic/<int:step>/", views.screening_topic, name="topic"),
    path("<int:screening_id>/elements/", views.screening_elements, name="elements"),
    path("<int:screening_id>/refer/", views.screening_submit_for_decision, name="submit_for_decision"),
    path("<int:screening_id>/person/", views.screening_attach, name="attach"),
]
urlpatterns += [path("<int:screening_id>/decisions/", views.screening_decisions, name="decisions")]
