"""Integers the API accepts: never past what the databases store, a signed 64-bit integer.

SQLite cannot even bind a larger Python int (OverflowError, a 500), so every integer that reaches a
query is bounded here first: serializer fields, hand-read body values and ids in the URL path.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def in_int64_range(value: int) -> bool:
    return INT64_MIN <= value <= INT64_MAX


def out_of_range_message() -> str:
    return _("Send a number from %(min)d to %(max)d.") % {"min": INT64_MIN, "max": INT64_MAX}


class IntegerField(serializers.IntegerField):
    """DRF's integer field, bounded to the signed 64-bit range unless a narrower bound is given."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", INT64_MIN)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(**kwargs)


class IdConverter:
    """`<id:name>` in API paths: like `<int:...>`, but an id no database can hold matches nothing (a 404)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not in_int64_range(number):
            raise ValueError("past the signed 64-bit range")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """DRF's related field whose id is read by the bounded integer field (and documented so)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("pk_field", IntegerField(min_value=0))
        super().__init__(**kwargs)
