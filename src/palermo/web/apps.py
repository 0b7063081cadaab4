from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "palermo.web"
    label = "web"
