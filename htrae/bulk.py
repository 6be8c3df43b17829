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

`bulk_create` is `Model.objects.bulk_create` for the rows a tick writes (its events,
conversation lines, goals, facts, beliefs): on PostgreSQL one `INSERT ... SELECT * FROM
unnest(...) RETURNING id`; on SQLite the ORM's own.

On PostgreSQL every statement here sends each column as one binary array bound server-side (a
plain psycopg `Cursor`, not Django's `ClientCursor`): Django's cursor would quote every element
into the SQL text on the client, which for a tick's thousands of rows cost more than the
insert itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.utils import timezone

M = TypeVar("M", bound=Model)


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
    if connection.vendor == "postgresql":
        types = [_pg_array_type(meta.pk)] + [_pg_array_type(field) for field in columns]
        names = [meta.pk.column] + [field.column for field in columns]
        arrays = ", ".join(f"%b::{array_type}" for array_type in types)
        assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in columns)
        with _server_bound_cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM unnest({arrays}) AS v({', '.join(map(quote, names))}) "
                f"WHERE t.{pk} = v.{pk}",
                _columns_of(prepared, [meta.pk, *columns]),
            )
    else:
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s", [[*row[1:], row[0]] for row in prepared]
            )


def bulk_insert_columns(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]], *, ignore_conflicts: bool = False
) -> None:
    """Insert `rows` of `model`, each the values of `fields` (foreign keys by their field
    name, given the related id) in that order, in one statement. Columns left out take their
    database default or NULL, so give every NOT NULL column without a default. With
    `ignore_conflicts`, a row whose unique key is taken is skipped (`ON CONFLICT DO NOTHING`)."""
    _insert_rows(model, fields, rows, suffix=" ON CONFLICT DO NOTHING" if ignore_conflicts else "")


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
    db = _database()
    preparers = [
        partial(_db_value, field) if isinstance(field, models.JSONField) else _preparer(field, db) for field in columns
    ]
    if any(len(row) != len(columns) for row in rows):
        raise ValueError(f"Each row of {meta.label} needs {len(columns)} values: {', '.join(fields)}.")
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in columns)
    if connection.vendor == "postgresql":
        # Prepared column by column, as the arrays take them: a tick inserts ~130,000 rows, and
        # preparing them row by row and then transposing cost three times as much.
        arrays = [
            _as_column_type(field, [prepare(row[index]) for row in rows])
            for index, (field, prepare) in enumerate(zip(columns, preparers, strict=True))
        ]
        with _server_bound_cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT * FROM unnest({_pg_arrays(columns)}){suffix}",
                arrays,
            )
    else:
        prepared = [[prepare(value) for prepare, value in zip(preparers, row, strict=True)] for row in rows]
        placeholders = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({placeholders}){suffix}", prepared
            )


def bulk_create(objs: Sequence[M], *, ignore_conflicts: bool = False) -> list[M]:
    """`Model.objects.bulk_create(objs)` in one statement: saves the unsaved instances `objs`
    (all of one model, none with a primary key yet) and sets each one's id, in order, as the
    ORM does (with `ignore_conflicts`, skips rows that break a unique constraint and sets no
    ids). Fields are filled in as on save (`auto_now_add` timestamps, defaults)."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objs, ignore_conflicts=ignore_conflicts)
    meta = model._meta
    if any(type(obj) is not model or obj.pk is not None for obj in objs):
        raise ValueError("bulk_create takes unsaved instances of one model, without primary keys.")
    for obj in objs:  # as the ORM checks: related objects saved, their ids taken
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    columns = [field for field in meta.concrete_fields if field is not meta.pk and not field.generated]
    db = _database()
    preparers = [(field, _preparer(field, db)) for field in columns]
    # The timestamps a save stamps (`auto_now`, `auto_now_add`): one moment for the whole
    # statement, as the database's own now() is, not a settings read per row and field.
    stamped = {
        field.attname for field in columns if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    }
    now = timezone.now()
    for obj in objs:
        for attname in stamped:
            setattr(obj, attname, now)  # as `pre_save` sets them on the instance
    rows = [
        [prepare(now if field.attname in stamped else field.pre_save(obj, True)) for field, prepare in preparers]
        for obj in objs
    ]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in columns)
    arrays = _pg_arrays(columns, json_as="jsonb[]")  # the JSON fields' own adapter (psycopg's Jsonb)
    statement = f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT * FROM unnest({arrays})"
    with _server_bound_cursor() as cursor:
        if ignore_conflicts:
            cursor.execute(statement + " ON CONFLICT DO NOTHING", _columns_of(rows, columns))
            return objs
        # The ids come back in the rows' order: one scan of the arrays, numbered as inserted.
        cursor.execute(f"{statement} RETURNING {quote(meta.pk.column)}", _columns_of(rows, columns))
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) != len(objs):
        raise RuntimeError(f"bulk_create inserted {len(ids)} rows of {len(objs)}.")
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


@contextmanager
def _server_bound_cursor() -> Iterator[Any]:
    """A cursor on Django's connection that binds parameters server-side (psycopg's own
    `Cursor`), wrapped as Django wraps its own: queries logged, errors translated, execute
    wrappers applied."""
    import psycopg

    connection.ensure_connection()
    cursor = connection._prepare_cursor(psycopg.Cursor(connection.connection))
    try:
        yield cursor
    finally:
        cursor.close()


def _pg_arrays(columns: Sequence[models.Field], json_as: str = "") -> str:
    """The `unnest` arguments for these columns: one binary array parameter each (a JSON
    column's array sent as `json_as`, else as JSON text)."""
    return ", ".join(
        f"%b::{json_as if json_as and isinstance(field, models.JSONField) else _pg_array_type(field)}"
        for field in columns
    )


def _columns_of(rows: Sequence[Sequence[Any]], fields: Sequence[models.Field]) -> list[list[Any]]:
    """`rows` turned into one list per column, as the binary arrays need them."""
    return [_as_column_type(field, list(column)) for field, column in zip(fields, zip(*rows, strict=True), strict=True)]


def _as_column_type(field: models.Field, values: list[Any]) -> list[Any]:
    """A float column's whole numbers as floats (psycopg will not dump an array of mixed types)."""
    if isinstance(field, models.FloatField):
        return [None if value is None else float(value) for value in values]
    return values


# A value of exactly this type is what the field's preparation would give back unchanged: it
# passes as it is (None too, for a nullable column); any other value is prepared by the field.
_PASSED_AS_IS: tuple[tuple[type[models.Field], type], ...] = (
    (models.BooleanField, bool),
    (models.IntegerField, int),  # and the auto fields, primary keys foreign keys point to
    (models.FloatField, float),
    (models.CharField, str),
    (models.TextField, str),
)


def _preparer(field: models.Field, db: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """`field.get_db_prep_save` for `db`, skipped for values it would hand back as they are:
    a timestamp that is aware on PostgreSQL (Django reads the settings for each one), a plain
    int, float, str or bool for a field of that kind (a call per value through the field's
    layers, for tens of thousands of a tick's rows, cost more than the insert)."""
    prepare = partial(field.get_db_prep_save, connection=db)
    if isinstance(field, models.DateTimeField) and db.vendor == "postgresql":
        return lambda value: value if isinstance(value, datetime) and value.tzinfo is not None else prepare(value)
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    plain = next((kind for field_class, kind in _PASSED_AS_IS if isinstance(target, field_class)), None)
    if plain is None or (isinstance(field, models.ForeignKey) and plain is not int):
        return prepare
    if field.null:
        return lambda value: value if value is None or type(value) is plain else prepare(value)
    return lambda value: value if type(value) is plain else prepare(value)


def _database() -> BaseDatabaseWrapper:
    """The default connection itself: `connection` is a proxy that looks it up (a
    thread-local read) on every attribute, which for each value of thousands of rows adds up."""
    return connections[DEFAULT_DB_ALIAS]


def _db_value(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    return value


def _pg_array_type(field: models.Field) -> str:
    if isinstance(field, models.JSONField):
        return "text[]::jsonb[]"  # sent as JSON text, cast element-wise
    # Without a length or precision: `varchar[]` holds what `varchar(12)` does.
    return f"{field.db_type(connection).split('(')[0]}[]"
