"""export_world / import_world: a whole world round-trips with nothing lost (every table of
the world's apps compared row by row), and a bad snapshot changes nothing."""

import io
import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from htrae.errors import DomainError
from htrae.snapshot import WORLD_APPS, snapshot_read, world_export, world_import
from memory.models import Memory
from world.models import Character, GameEvent, GrammarSymbol, Location, TickRecord, WorldClock
from world.services import player_register
from world.tick import run_tick

pytestmark = pytest.mark.django_db


def every_table() -> dict[str, list]:
    """Every row of every world table (many-to-many tables by their pairs: their own ids are
    not the world's), and the players' accounts."""
    tables = {}
    for label in WORLD_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            rows = model._base_manager.order_by("pk").values()
            if model._meta.auto_created:
                rows = sorted(tuple(sorted((k, v) for k, v in row.items() if k != "id")) for row in rows)
            tables[model._meta.label] = list(rows)
    players = Character.objects.exclude(user=None).values("user_id")
    tables["auth.User"] = list(
        get_user_model()
        .objects.filter(pk__in=players)
        .order_by("pk")
        .values("id", "username", "password", "is_active", "date_joined", "last_login")
    )
    return tables


@pytest.fixture
def lived_in_world(seeded_world, settings):
    settings.TICK_BATCH_SIZE = 500
    player_register(username="wren", password="lanterns-over-the-marsh")
    GrammarSymbol.objects.create(symbol="tail", alternatives=" The moths are loud tonight.", note="designers' words")
    for _ in range(3):
        run_tick(force=True)
    return seeded_world


def exported() -> str:
    stream = io.StringIO()
    world_export(stream)
    return stream.getvalue()


def test_a_world_exported_and_imported_again_compares_equal_table_by_table(lived_in_world, tmp_path):
    before = every_table()
    busy_tables = ("world.Character", "world.GameEvent", "memory.Memory", "world.TickRecord", "world.GrammarSymbol")
    for busy in (*busy_tables, "auth.User"):
        assert before[busy], f"{busy} is empty: the round trip would prove nothing about it"
    assert sum(1 for rows in before.values() if rows) >= 20
    snapshot = tmp_path / "world.json"
    call_command("export_world", str(snapshot), stdout=io.StringIO(), stderr=io.StringIO())

    # The world moves on and is changed by hand; the import must bring back the snapshot's.
    run_tick(force=True)
    Location.objects.update(description="Rewritten.")
    assert every_table() != before
    call_command("import_world", str(snapshot), "--replace", stdout=io.StringIO(), stderr=io.StringIO())

    after = every_table()
    assert after.keys() == before.keys()
    for table, rows in before.items():
        assert after[table] == rows, f"{table} differs after the round trip"


def test_the_imported_world_runs_on(lived_in_world):
    text = exported()
    world_import(snapshot_read(io.StringIO(text)), replace=True)
    tick = WorldClock.objects.get().tick
    assert run_tick(force=True).tick == tick + 1  # new rows get fresh ids after the imported ones
    assert GameEvent.objects.filter(tick=tick + 1).exists()


def test_an_import_into_a_world_that_is_not_empty_needs_replace(lived_in_world):
    text = exported()
    with pytest.raises(DomainError, match="not empty"):
        world_import(snapshot_read(io.StringIO(text)))


def bad_snapshot(text: str, breaking) -> list[dict]:
    rows = snapshot_read(io.StringIO(text))
    breaking(rows)
    return rows


def first(rows, model):
    return next(row for row in rows if row["model"] == model)


@pytest.mark.parametrize(
    "breaking",
    [
        pytest.param(lambda rows: rows.append({"model": "auth.group", "pk": 1, "fields": {}}), id="foreign table"),
        pytest.param(lambda rows: first(rows, "world.location")["fields"].update(map_x="far"), id="bad value"),
        pytest.param(lambda rows: first(rows, "world.character")["fields"].update(location=999999), id="dangling key"),
        pytest.param(lambda rows: rows.append(dict(first(rows, "world.location"))), id="duplicate row"),
    ],
)
def test_a_bad_snapshot_changes_nothing(lived_in_world, breaking):
    text = exported()
    Location.objects.update(description="Kept.")
    before = every_table()
    with pytest.raises(DomainError):
        world_import(bad_snapshot(text, breaking), replace=True)
    assert every_table() == before


def test_not_a_snapshot_is_refused_by_the_command(tmp_path, db):
    path = tmp_path / "lore.json"
    path.write_text(json.dumps([{"title": "not a world"}]))
    with pytest.raises(CommandError, match=r"Nothing was imported\. Not a world snapshot"):
        call_command("import_world", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_world", str(tmp_path / "missing.json"))


def test_memories_embeddings_survive_the_trip(lived_in_world):
    memory = Memory.objects.first()
    Memory.objects.filter(pk=memory.pk).update(embedding=b"\x00\x01\xfe\xff" * 4)
    world_import(snapshot_read(io.StringIO(exported())), replace=True)
    assert bytes(Memory.objects.get(pk=memory.pk).embedding) == b"\x00\x01\xfe\xff" * 4
    assert TickRecord.objects.count() == 3


def test_an_import_never_overwrites_someone_elses_account(lived_in_world):
    operator = get_user_model().objects.create_user("operator", password="x", is_staff=True)
    rows = snapshot_read(io.StringIO(exported()))
    player_row = first(rows, "auth.user")
    old_pk, player_row["pk"] = player_row["pk"], operator.pk  # the file's player now has the operator's id
    for row in rows:
        if row["model"] == "world.character" and row["fields"]["user"] == old_pk:
            row["fields"]["user"] = operator.pk
    with pytest.raises(DomainError, match="operator here, wren in the file"):
        world_import(rows, replace=True)
    operator.refresh_from_db()
    assert operator.username == "operator" and operator.is_staff
