from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "palermo.reporting"
    label = "reporting"

    def ready(self) -> None:
        # Registers the system check that warns when there is no fallback tip route.
        from palermo.reporting import checks  # noqa: F401
