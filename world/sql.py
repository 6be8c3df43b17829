"""Hand-written SQL for the reads and writes every player action and move makes, and for the
reads players poll (the token, `/api/world/time`, `/api/world/state`, `/api/spectra/status`).

Building and compiling ORM queries was most of the CPU a web process spent on a player's
action (issue 9: one process applied only ~40 actions a second), and on those polled reads
(issue 10). The few statements on those paths are written once instead; values still pass
through the model fields' own conversions (`converter`, `instance`, `insert`), so callers
get what the ORM would give on either database (JSON text to objects, SQLite's datetime text
to aware datetimes). Tables and columns are the models'. Everything else uses the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection
from django.db.models import Model


def placeholders(values: Iterable) -> str:
    """`%s, %s, ...`, one per value (for `IN (...)`)."""
    return ", ".join("%s" for _ in values)


def rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def converter(model: type[Model], field_name: str) -> Callable[[Any], Any]:
    """What the ORM does to a column's raw value on this database, as one function."""
    field = model._meta.get_field(field_name)
    column = field.get_col(model._meta.db_table)
    converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
    if not converters:
        return _unchanged

    def convert(value):
        for convert_one in converters:
            value = convert_one(value, column, connection)
        return value

    return convert


def _unchanged(value):
    return value


def columns(model: type[Model], alias: str) -> str:
    """The select list of every concrete column of `model` (in `instance`'s order)."""
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def instance(model: type[Model], values: Iterable) -> Model:
    """A model instance from the values of `columns(model, ...)`, as a query would load it."""
    converted = [
        converter(model, field.name)(value) for field, value in zip(model._meta.concrete_fields, values, strict=True)
    ]
    return model.from_db(connection.alias, None, converted)


def insert(model: type[Model], values: dict[str, Any]) -> Any:
    """Insert one row of `model` (field names to values), prepared as `save()` would; returns
    its primary key."""
    fields = [model._meta.get_field(name) for name in values]
    names = ", ".join(f'"{field.column}"' for field in fields)
    statement = f"INSERT INTO {model._meta.db_table} ({names}) VALUES ({placeholders(fields)})"
    returning = connection.features.can_return_columns_from_insert
    if returning:
        statement += f' RETURNING "{model._meta.pk.column}"'
    with connection.cursor() as cursor:
        cursor.execute(
            statement,
            [field.get_db_prep_save(value, connection) for field, value in zip(fields, values.values(), strict=True)],
        )
        return cursor.fetchone()[0] if returning else cursor.lastrowid
