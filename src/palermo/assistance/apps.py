from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "palermo.assistance"
    label = "assistance"

    def ready(self) -> None:
        from palermo.assistance.panel import assistance_panel_context
        from palermo.assistance.work import assistance_due_dates, assistance_work_items
        from palermo.cases.panels import register_case_panel
        from palermo.worklist.items import register

        register(assistance_work_items, due_dates=assistance_due_dates)
        register_case_panel("assistance/_case_panel.html", context=assistance_panel_context)
