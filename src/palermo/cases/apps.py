from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "palermo.cases"
    label = "cases"

    def ready(self) -> None:
        from palermo.cases import (
            from_tips,
            sharing,  # noqa: F401 - registers the person- and case-level shareable fields
        )
        from palermo.cases.worklist import referral_work_items
        from palermo.worklist.items import register

        register(referral_work_items)
        from_tips.register()
