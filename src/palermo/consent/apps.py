from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "palermo.consent"
    label = "consent"

    def ready(self) -> None:
        from palermo.cases.panels import register_case_panel
        from palermo.consent.selectors import consent_panel_context

        # The case page's "Consents" section, after the assistance panels (INSTALLED_APPS order).
        register_case_panel("consent/_case_panel.html", context=consent_panel_context)
