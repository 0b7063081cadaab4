"""Reads of the good practices library: public knowledge, open to everyone who may see the directory."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from palermo.permissions import ActingUser, Capability, can
from palermo.practices.models import GoodPractice


def practice_list(
    *, acting: ActingUser, area: str = "", stage: str = "", level: str = "", form: str = ""
) -> QuerySet[GoodPractice]:
    if not can(acting, Capability.DIRECTORY_VIEW):
        raise PermissionDenied(Capability.DIRECTORY_VIEW.value)
    practices = GoodPractice.objects.all()
    # Tags are JSON lists of known codes: a quoted code matches exactly one element.
    for field, code in (("areas", area), ("stages", stage), ("levels", level), ("forms", form)):
        if code:
            practices = practices.filter(**{f"{field}__icontains": f'"{code}"'})
    return practices.order_by("position", "slug")


def practice_get(*, acting: ActingUser, slug: str) -> GoodPractice:
    try:
        return practice_list(acting=acting).get(slug=slug)
    except GoodPractice.DoesNotExist:
        raise Http404 from None


def practices_for_cell(*, acting: ActingUser, level: str, area: str, stage: str) -> list[GoodPractice]:
    """What others did here: practices tagged with this cell's level, area and stage."""
    return list(practice_list(acting=acting, area=area, stage=stage, level=level))
