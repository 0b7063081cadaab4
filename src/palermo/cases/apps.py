from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "palermo.cases"
    label = "cases"

    def ready(self) -> None:
        from palermo.cases import from_tips

        from_tips.register()
