from __future__ import annotations

from django.db import models


class Organisation(models.Model):
    """Palermo's organisation table, read only (unmanaged: the bare project never migrates)."""

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=40)
    country = models.CharField(max_length=2)

    class Meta:
        managed = False
        db_table = "organisations_organisation"

    def __str__(self) -> str:
        return self.name
