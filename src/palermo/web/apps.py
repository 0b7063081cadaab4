from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "palermo.web"
    label = "web"

    def ready(self) -> None:
        from palermo.web import checks  # noqa: F401  (registers the deployment checks)
