from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "palermo.worklist"
    label = "worklist"

    def ready(self) -> None:
        from palermo.worklist.items import register
        from palermo.worklist.sources import reasonable_grounds_work_items, task_work_items

        register(task_work_items)
        register(reasonable_grounds_work_items)
