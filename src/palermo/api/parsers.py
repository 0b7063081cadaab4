"""The API's JSON parser: refuses what no field of ours can store, whatever the endpoint."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

from palermo.api.fields import in_int64_range, out_of_range_message


def nul_message() -> str:
    return _("Text may not contain the NUL character (\\u0000).")


class BodyRefused(exceptions.ValidationError):
    """A 400 in the API's error shape, naming the body field (dotted for nested ones) when there is one."""


def _check(value: Any, where: str) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise BodyRefused({where or "non_field_errors": [nul_message()]})
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not in_int64_range(value):
            raise BodyRefused({where or "non_field_errors": [out_of_range_message()]})
    elif isinstance(value, Mapping):
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            if "\x00" in key:
                raise BodyRefused({"non_field_errors": [nul_message()]})
            _check(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{where}.{index}" if where else str(index))


class JSONParser(parsers.JSONParser):
    """PostgreSQL refuses NUL in text and SQLite cannot bind an int past 64 bits: both are a 500 there."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _check(data, "")
        return data


class MultiPartParser(parsers.MultiPartParser):
    """The form fields beside an uploaded file get the same NUL refusal as JSON strings."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        result = super().parse(stream, media_type, parser_context)
        for key, values in result.data.lists():
            for value in values:
                if "\x00" in key or "\x00" in value:
                    raise BodyRefused({key.replace("\x00", "") or "non_field_errors": [nul_message()]})
        return result
