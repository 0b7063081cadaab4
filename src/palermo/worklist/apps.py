from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "palermo.worklist"
    label = "worklist"
