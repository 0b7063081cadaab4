from django.urls import path

from palermo.matrix import views

app_name = "matrix"
urlpatterns = [
    path("", views.matrix_list, name="list"),
    path("new/", views.matrix_create, name="create"),
    path("template.xlsx", views.matrix_template, name="template"),
    path("<int:matrix_id>/", views.matrix_detail, name="detail"),
    path("<int:matrix_id>/edit/", views.matrix_update, name="update"),
    path("<int:matrix_id>/cells/<str:level>/<str:area>/<str:stage>/", views.matrix_cell, name="cell"),
    path("<int:matrix_id>/actions/<int:action_id>/edit/", views.matrix_action_update, name="action_update"),
    path("<int:matrix_id>/actions/<int:action_id>/delete/", views.matrix_action_delete, name="action_delete"),
    path("<int:matrix_id>/gaps/", views.matrix_gaps_view, name="gaps"),
    path("<int:matrix_id>/by-actor/", views.matrix_by_actor_view, name="by_actor"),
    path("<int:matrix_id>/compare/", views.matrix_compare_view, name="compare"),
    path("<int:matrix_id>/import/", views.matrix_import_view, name="import"),
    path("<int:matrix_id>/export.<str:file_format>", views.matrix_export, name="export"),
]
