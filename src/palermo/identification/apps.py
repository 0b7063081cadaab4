from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_catalogues_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    from palermo.identification.services import catalogues_load

    catalogues_load(using=kwargs.get("using", "default"))


class IdentificationConfig(AppConfig):
    name = "palermo.identification"
    label = "identification"

    def ready(self) -> None:
        # Catalogues are data shipped with the code: every migrate brings the database up to date.
        post_migrate.connect(_load_catalogues_after_migrate, sender=self)
