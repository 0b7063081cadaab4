from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "palermo.worklist"
    label = "worklist"

    def ready(self) -> None:
        from palermo.worklist import sources
        from palermo.worklist.items import register

        register(sources.task_work_items, due_dates=sources.task_due_dates)
        register(sources.reasonable_grounds_work_items, due_dates=sources.reasonable_grounds_due_dates)
