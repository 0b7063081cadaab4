from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "palermo.api"
    label = "api"
