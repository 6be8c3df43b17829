"""Fast bulk writes of a few columns of many rows.

Django's `bulk_update` builds one CASE WHEN per row and field; for a tick batch of hundreds
of characters that costs far more in SQL compilation than the update itself (Django ticket
#31202). Here PostgreSQL gets one `UPDATE ... FROM unnest(...)` and SQLite one
`executemany` of a prepared UPDATE: one statement for the whole batch either way.

`bulk_upsert_columns` inserts or updates on a unique key in one statement the same way.

`bulk_insert_columns` does the same for inserts: Django's `bulk_create` uses `UNNEST` on
PostgreSQL only when no field of the model has its own placeholder (a `BinaryField` has one),
and otherwise sends one literal row per record, which psycopg then parses client-side (about
a second for a tick's 7,000 memories); on SQLite it splits at 999 parameters.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def bulk_update_columns(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Set `fields` of each row `(pk, *values)` of `model` (values in `fields` order)."""
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    prepared = [
        [row[0], *(_db_value(field, value) for field, value in zip(columns, row[1:], strict=True))] for row in rows
    ]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = [_pg_array_type(meta.pk)] + [_pg_array_type(field) for field in columns]
            names = [meta.pk.column] + [field.column for field in columns]
            arrays = ", ".join(f"%s::{array_type}" for array_type in types)
            assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in columns)
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM unnest({arrays}) AS v({', '.join(map(quote, names))}) "
                f"WHERE t.{pk} = v.{pk}",
                [list(column) for column in zip(*prepared, strict=True)],
            )
        else:
            assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s", [[*row[1:], row[0]] for row in prepared]
            )


def bulk_insert_columns(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert `rows` of `model`, each the values of `fields` (foreign keys by their field
    name, given the related id) in that order, in one statement. Columns left out take their
    database default or NULL, so give every NOT NULL column without a default."""
    _insert_rows(model, fields, rows)


def bulk_upsert_columns(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    unique: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert `rows` (values of `fields`, in order) or, where a row with the same `unique`
    fields exists, set its `update` fields: one statement (`INSERT ... ON CONFLICT DO
    UPDATE`, from `unnest` on PostgreSQL, an `executemany` on SQLite). `rows` must not
    repeat a unique key."""
    meta, quote = model._meta, connection.ops.quote_name
    conflict = ", ".join(quote(meta.get_field(name).column) for name in unique)
    assignments = ", ".join(
        f"{quote(meta.get_field(name).column)} = excluded.{quote(meta.get_field(name).column)}" for name in update
    )
    _insert_rows(model, fields, rows, suffix=f" ON CONFLICT ({conflict}) DO UPDATE SET {assignments}")


def _insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]], suffix: str = ""
) -> None:
    """One INSERT of `rows` (from `unnest` on PostgreSQL, an `executemany` elsewhere), with
    `suffix` (an ON CONFLICT clause) after it."""
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    prepared = [[_insert_value(field, value) for field, value in zip(columns, row, strict=True)] for row in rows]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{_pg_array_type(field)}" for field in columns)
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT * FROM unnest({arrays}){suffix}",
                [list(column) for column in zip(*prepared, strict=True)],
            )
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({placeholders}){suffix}", prepared
            )


def _insert_value(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.JSONField):
        return _db_value(field, value)
    return field.get_db_prep_save(value, connection)


def _db_value(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    return value


def _pg_array_type(field: models.Field) -> str:
    if isinstance(field, models.JSONField):
        return "text[]::jsonb[]"  # sent as JSON text, cast element-wise
    # Without a length or precision: `varchar[]` holds what `varchar(12)` does.
    return f"{field.db_type(connection).split('(')[0]}[]"
