"""Identification: the indicator catalogues as loaded into the database."""

from __future__ import annotations

from django.db import models


class CatalogueVersion(models.Model):
    """One version of one catalogue, as it was shipped. Screenings will point at the version they used,
    so a later edit of the catalogue never changes what an old screening meant."""

    catalogue_id = models.SlugField(max_length=64)
    version = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)
    content = models.JSONField()
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["catalogue_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue_id", "version"], name="catalogue_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.catalogue_id} v{self.version}"
