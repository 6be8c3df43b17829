"""Fast bulk updates of a few columns of many rows.

Django's `bulk_update` builds one CASE WHEN per row and field; for a tick batch of hundreds
of characters that costs far more in SQL compilation than the update itself (Django ticket
#31202). Here PostgreSQL gets one `UPDATE ... FROM unnest(...)` and SQLite one
`executemany` of a prepared UPDATE: one statement for the whole batch either way.
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


def _db_value(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    return value


def _pg_array_type(field: models.Field) -> str:
    if isinstance(field, models.JSONField):
        return "text[]::jsonb[]"  # sent as JSON text, cast element-wise
    return f"{field.db_type(connection)}[]"
