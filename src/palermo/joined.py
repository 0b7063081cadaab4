"""Joined reads that run on every request, written once as SQL from the models' metadata.

Every API call reads its token with the membership, organisation and user it acts for, and every
page the memberships of the signed-in user. Through the ORM, building those joined queries cost more
CPU than the database spent answering them (bench/README.md, "The cost of one request"). Here each
statement is written once per database vendor, and its rows become model instances through the same
field converters the ORM applies, so values are exactly what a queryset would give.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

Converter = tuple[Callable[..., Any], Any]
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Joined:
    """The select list of several models side by side, and how to turn one row back into instances."""

    models: tuple[type[Model], ...]
    columns: str
    # Per model: its concrete fields' attribute names and, per field, the converters of its column.
    attnames: tuple[tuple[str, ...], ...]
    converters: tuple[tuple[tuple[Converter, ...], ...], ...]

    def table(self, model: type[Model], connection: BaseDatabaseWrapper) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def column(self, model: type[Model], name: str, connection: BaseDatabaseWrapper) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, Field)
        return f"{self.table(model, connection)}.{connection.ops.quote_name(str(field.column))}"

    def instances(self, row: Sequence[Any], connection: BaseDatabaseWrapper) -> list[Model]:
        """One instance per model from one row (the columns in the order of `columns`)."""
        made, at = [], 0
        for model, names, field_converters in zip(self.models, self.attnames, self.converters, strict=True):
            values = list(row[at : at + len(names)])
            for index, converters in enumerate(field_converters):
                for converter, expression in converters:
                    values[index] = converter(values[index], expression, connection)
            made.append(model.from_db(connection.alias, names, values))
            at += len(names)
        return made


_CACHE: dict[tuple[str, tuple[type[Model], ...]], Joined] = {}


def joined(using: str, *models: type[Model]) -> Joined:
    """The `Joined` of these models for the database `using` (built once per process)."""
    connection = connections[using]
    key = (connection.alias, models)
    if key not in _CACHE:
        quote = connection.ops.quote_name
        columns, attnames, converters = [], [], []
        for model in models:
            table = model._meta.db_table
            fields = list(model._meta.concrete_fields)
            columns += [f"{quote(table)}.{quote(str(field.column))}" for field in fields]
            attnames.append(tuple(field.attname for field in fields))
            model_converters = []
            for field in fields:
                expression = field.get_col(table)
                found = [*connection.ops.get_db_converters(expression), *expression.get_db_converters(connection)]
                model_converters.append(tuple((converter, expression) for converter in found))
            converters.append(tuple(model_converters))
        _CACHE[key] = Joined(models, ", ".join(columns), tuple(attnames), tuple(converters))
    return _CACHE[key]


_BY_PK: dict[tuple[str, type[Model], tuple[str, ...]], tuple[Joined, str]] = {}


def scoped_get(model: type[M], pk: int | str, scope: dict[str, Any], *, using: str = DEFAULT_DB_ALIAS) -> M | None:
    """`model.objects.filter(**scope).get(pk=pk)`, or None, for a scope of plain field equalities
    (what `personal_record_scope` gives): one row read on every view of a record."""
    try:
        key_value = int(pk)
    except (TypeError, ValueError):
        return None
    connection = connections[using]
    names = tuple(sorted(scope))
    key = (connection.alias, model, names)
    if key not in _BY_PK:
        read = joined(connection.alias, model)
        conditions = [f"{read.column(model, name, connection)} = %s" for name in (model._meta.pk.name, *names)]
        # Only quoted table and column names of the model go into the text; values are parameters.
        sql = f"SELECT {read.columns} FROM {read.table(model, connection)} WHERE {' AND '.join(conditions)}"  # noqa: S608
        _BY_PK[key] = (read, sql)
    read, sql = _BY_PK[key]
    fields = [model._meta.pk, *(model._meta.get_field(name) for name in names)]
    values = [key_value, *(scope[name] for name in names)]
    params = [field.get_db_prep_value(value, connection) for field, value in zip(fields, values, strict=True)]  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return cast(M, read.instances(row, connection)[0]) if row is not None else None
