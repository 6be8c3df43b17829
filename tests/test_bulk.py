"""htrae.bulk: one statement updates many rows' columns, JSON included, on either database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from htrae.bulk import bulk_update_columns
from tests.factories import CharacterFactory, LocationFactory
from world.models import Character

pytestmark = pytest.mark.django_db


def test_bulk_update_columns_sets_each_row_in_one_statement():
    here, there = LocationFactory(), LocationFactory()
    characters = CharacterFactory.create_batch(3, location=here, energy=50)
    untouched = CharacterFactory(location=here, energy=50)
    rows = [(c.id, there.id, 10.0 + i, {"social": i / 10, "note": "ünïcode"}) for i, c in enumerate(characters)]

    with CaptureQueriesContext(connection) as queries:
        bulk_update_columns(Character, ["location", "energy", "needs"], rows)

    assert len(queries) == 1
    for i, character in enumerate(characters):
        character.refresh_from_db()
        assert (character.location_id, character.energy) == (there.id, 10.0 + i)
        assert character.needs == {"social": i / 10, "note": "ünïcode"}
    untouched.refresh_from_db()
    assert (untouched.location_id, untouched.energy) == (here.id, 50)


def test_nothing_to_update_runs_nothing():
    with CaptureQueriesContext(connection) as queries:
        bulk_update_columns(Character, ["energy"], [])
    assert len(queries) == 0


def test_bulk_insert_columns_writes_every_row_in_one_statement():
    """Memory has a BinaryField, which keeps Django's bulk_create from its fast path."""
    from datetime import UTC, datetime

    from htrae.bulk import bulk_insert_columns
    from memory.models import Memory

    here = LocationFactory()
    oren = CharacterFactory(location=here)
    when = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    fields = ["character", "content", "type", "importance_score", "timestamp", "last_accessed_at", "tick"]
    fields += ["created_at", "updated_at", "embedding"]
    rows = [
        (oren.id, f"Line {i}, “quoted” ünïcode", "short_term", i / 2, when, when, i, when, when, bytes([i, 0, 255]))
        for i in range(5)
    ]
    with CaptureQueriesContext(connection) as queries:
        bulk_insert_columns(Memory, fields, rows)
    assert len(queries) == 1
    stored = list(Memory.objects.filter(character=oren).order_by("tick"))
    assert [(m.content, m.importance_score, m.tick, m.timestamp) for m in stored] == [
        (f"Line {i}, “quoted” ünïcode", i / 2, i, when) for i in range(5)
    ]
    assert [bytes(m.embedding) for m in stored] == [bytes([i, 0, 255]) for i in range(5)]
    assert all(m.source_event_id is None and m.last_accessed_world_at is None for m in stored)
