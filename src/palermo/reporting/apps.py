from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "palermo.reporting"
    label = "reporting"
