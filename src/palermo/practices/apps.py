from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_library_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    from palermo.practices.library import library_load

    library_load(using=kwargs.get("using", "default"))


class PracticesConfig(AppConfig):
    name = "palermo.practices"
    label = "practices"

    def ready(self) -> None:
        # The library is data shipped with the code: every migrate brings the database up to date.
        post_migrate.connect(_load_library_after_migrate, sender=self)
