"""A whole-world snapshot as one JSON file: `manage.py export_world FILE` and `import_world FILE`.

The snapshot holds every row of the world's apps (`WORLD_APPS`: places, characters, the
clock, events, factions, quests, lore, conversations, memories, beliefs, Spectra's mind,
relationships, who knows what (gossip), and the tunable tables, the talk grammar's edits
among them) and the accounts of the players whose characters are in it (name, password
hash, dates; no API tokens: players sign in again for one). Staff accounts, sessions and
Celery's schedule are the server's, not the world's, and stay out.

Rows keep their ids, so an import gives back the same world: every table compares equal
(`tests/test_snapshot.py`). Values are written by Django's "python" serializer and encoded
here with full precision (Django's JSON encoder cuts datetimes to milliseconds).
An import runs in one transaction: a bad file changes nothing.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any
from uuid import UUID

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from htrae.errors import DomainError

WORLD_APPS = ("world", "narrative", "memory", "spectra", "relationships", "gossip")
FORMAT = "htrae-world"
VERSION = 1
_USER_FIELDS = ["username", "password", "first_name", "last_name", "email", "is_active", "date_joined", "last_login"]

Progress = Callable[[int], None]


def world_models() -> list[type[Model]]:
    """The world's models, by app then name (auto-created M2M tables travel with their models)."""
    return [
        model
        for label in WORLD_APPS
        for model in sorted(apps.get_app_config(label).get_models(), key=lambda m: m._meta.model_name)
    ]


def _player_users():
    character = apps.get_model("world", "Character")
    ids = character._base_manager.exclude(user=None).values("user_id")
    return get_user_model()._base_manager.filter(pk__in=ids).order_by("pk")


def _sources() -> list[tuple[str, Any]]:
    """(label, queryset) of everything a snapshot holds, the players' accounts first."""
    user = get_user_model()
    sources: list[tuple[str, Any]] = [(user._meta.label_lower, _player_users())]
    sources += [(model._meta.label_lower, model._base_manager.order_by("pk")) for model in world_models()]
    return sources


def snapshot_row_count() -> int:
    return sum(queryset.count() for _, queryset in _sources())


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"cannot write {type(value).__name__} to a snapshot")


def _rows(label: str, queryset) -> Iterator[dict]:
    fields = _USER_FIELDS if label == get_user_model()._meta.label_lower else None
    for chunk in _chunks(queryset.iterator(chunk_size=2000), 2000):
        yield from serializers.serialize("python", chunk, fields=fields)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def world_export(stream: IO[str], *, progress: Progress | None = None) -> int:
    """Write the world to `stream` (one row a line, so diffs stay readable); returns the rows written.
    Read in one repeatable-read transaction, so the snapshot is of one moment."""
    count = 0
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":  # (the first statement of the transaction)
            connection.cursor().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        stream.write(json.dumps({"format": FORMAT, "version": VERSION})[:-1] + ', "rows": [\n')
        for label, queryset in _sources():
            for row in _rows(label, queryset):
                stream.write((",\n" if count else "") + json.dumps(row, default=_encode, ensure_ascii=False))
                count += 1
                if progress:
                    progress(1)
        stream.write("\n]}\n")
    return count


def snapshot_read(stream: IO[str]) -> list[dict]:
    """The rows of a snapshot file; DomainError if it is not one this version can read."""
    try:
        data = json.load(stream)
    except json.JSONDecodeError as error:
        raise DomainError(f"Not a JSON file: {error}.", code="invalid") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DomainError(f"Not a world snapshot (its format is not {FORMAT!r}).", code="invalid")
    if data.get("version") != VERSION:
        raise DomainError(
            f"A snapshot of version {data.get('version')!r}; this server reads {VERSION}.", code="invalid"
        )
    rows = data.get("rows")
    if not isinstance(rows, list):
        raise DomainError("The snapshot has no rows.", code="invalid")
    return rows


def world_is_empty() -> bool:
    return not any(model._base_manager.exists() for model in world_models())


def world_import(rows: list[dict], *, replace: bool = False, progress: Progress | None = None) -> int:
    """Load a snapshot's rows, all or nothing; returns the rows loaded.

    Into an empty world, or with `replace`, instead of the world there is (its rows and its
    players' accounts go first). A player account of the snapshot whose id belongs to a
    different account here is refused: an import never overwrites someone else's account.
    """
    user = get_user_model()
    wanted = {label for label, _ in _sources()}
    with transaction.atomic():
        if not world_is_empty():
            if not replace:
                raise DomainError("The world is not empty: import into an empty one, or replace it.", code="conflict")
            _world_delete()
        objects, seen = [], set()
        for row in rows:
            if not isinstance(row, dict) or row.get("model") not in wanted:
                raise DomainError(f"A row of no world table: {str(row)[:80]}.", code="invalid")
            if (row["model"], row.get("pk")) in seen:  # a second would overwrite the first
                raise DomainError(f"Two rows of {row['model']} #{row.get('pk')}.", code="invalid")
            seen.add((row["model"], row.get("pk")))
            objects.append(row)
        _refuse_account_clashes([row for row in objects if row["model"] == user._meta.label_lower])
        count = 0
        try:
            for deserialized in serializers.deserialize("python", objects):
                deserialized.save()
                count += 1
                if progress:
                    progress(1)
        except (DeserializationError, IntegrityError, ValidationError) as error:
            raise DomainError(f"Row {count + 1} could not be loaded: {error}", code="invalid") from error
        try:
            # Now, not at commit: a row pointing at a row the file lacks is the file's fault.
            connection.check_constraints(table_names=_tables())
        except IntegrityError as error:
            raise DomainError(f"The snapshot does not hold together: {error}", code="invalid") from error
        _sequences_reset()
    return count


def _refuse_account_clashes(user_rows: list[dict]) -> None:
    by_id = {row["pk"]: row["fields"].get("username") for row in user_rows}
    here = get_user_model()._base_manager.filter(pk__in=list(by_id)).values_list("pk", "username")
    clashes = [f"#{pk} ({name} here, {by_id[pk]} in the file)" for pk, name in here if name != by_id[pk]]
    if clashes:
        raise DomainError(
            "Accounts here have the ids of the snapshot's players: " + ", ".join(clashes), code="conflict"
        )


def _world_delete() -> None:
    """Every world row and the accounts of its players (not staff: they have no character).
    Table by table, as `manage.py flush` does: the foreign keys are checked at commit, when
    every table is empty or loaded again."""
    players = list(_player_users().values_list("pk", flat=True))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # TRUNCATE refuses tables with foreign key checks pending
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in connection.ops.sql_flush(no_style(), _tables()):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    get_user_model()._base_manager.filter(pk__in=players, is_staff=False).delete()


def _tables() -> list[str]:
    """The world's tables, its many-to-many ones included."""
    return [
        model._meta.db_table
        for label in WORLD_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def _sequences_reset() -> None:
    """Ids were written as they were; the next new row must come after them (PostgreSQL)."""
    models = [get_user_model(), *world_models()]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
