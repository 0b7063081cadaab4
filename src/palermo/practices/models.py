"""The good practices library, loaded from practices.yaml by `migrate`."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _in_language(texts: dict[str, str]) -> str:
    language = (get_language() or "en").split("-")[0]
    return texts.get(language) or texts.get("en", "")


class GoodPractice(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    version = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)
    # Texts keyed by language code ({"en": ..., "fr": ...}), as in the file.
    title = models.JSONField()
    summary = models.JSONField()
    lesson = models.JSONField(default=dict)
    place = models.JSONField(default=dict)
    source_document = models.CharField(max_length=300)
    source_section = models.CharField(max_length=300, blank=True)
    areas = models.JSONField(default=list)
    stages = models.JSONField(default=list)
    levels = models.JSONField(default=list)
    forms = models.JSONField(default=list)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")

    def __str__(self) -> str:
        return self.title_text

    @property
    def title_text(self) -> str:
        return _in_language(self.title)

    @property
    def summary_text(self) -> str:
        return _in_language(self.summary)

    @property
    def lesson_text(self) -> str:
        return _in_language(self.lesson)

    @property
    def place_text(self) -> str:
        return _in_language(self.place)

    def tag_labels(self) -> dict[str, list[str]]:
        from palermo.practices.library import tag_labels

        return tag_labels(self)

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "version": self.version,
            "title": self.title_text,
            "summary": self.summary_text,
            "lesson": self.lesson_text,
            "place": self.place_text,
            "source": {"document": self.source_document, "section": self.source_section},
            "areas": self.areas,
            "stages": self.stages,
            "levels": self.levels,
            "forms": self.forms,
        }
