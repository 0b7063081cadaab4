from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "palermo.assistance"
    label = "assistance"

    def ready(self) -> None:
        from palermo.assistance.work import assistance_work_items
        from palermo.worklist.items import register

        register(assistance_work_items)
