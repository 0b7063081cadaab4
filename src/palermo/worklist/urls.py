from django.urls import path

from palermo.worklist import views

app_name = "worklist"
urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("tasks/", views.task_add, name="task_add"),
    path("tasks/<int:task_id>/done/", views.task_done, name="task_done"),
]
