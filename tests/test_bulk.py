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


def test_bulk_insert_columns_refuses_a_row_of_the_wrong_width_and_writes_nothing():
    from htrae.bulk import bulk_insert_columns
    from memory.models import Memory

    oren = CharacterFactory(location=LocationFactory())
    fields = ["character", "content", "type", "importance_score", "tick"]
    rows = [(oren.id, "whole", "short_term", 1, 1), (oren.id, "short", "short_term", 2)]
    with pytest.raises(ValueError, match="needs 5 values"):
        bulk_insert_columns(Memory, fields, rows)
    assert not Memory.objects.filter(character=oren).exists()


# htrae.bulk.bulk_create: what the ORM's bulk_create stores, row for row, in one statement.

AWKWARD_PAYLOADS = [
    {"text": "Grüße, “Oren” — 龍 🐉", "nested": {"list": [1, 2.5, None, True], "empty": {}}},
    {},
    {"big": 2**62, "negative": -(2**53) + 1, "float": 0.1},
    {"quote": 'it\'s "quoted" \\ backslashed', "nul_free": "tab\tnewline\n"},
    {"null": None, "list": []},
]


def _event_rows(events):
    return [(e.type, e.payload, e.tick, e.location_id, e.actor_id) for e in events]


def _awkward_events(here, oren):
    from world.models import GameEvent

    return [
        GameEvent(
            type=f"TYPE_{i}",
            payload=payload,
            tick=[0, 1, 2**62, 7, 2**31][i],
            location=[here, None, here, None, here][i],
            actor_id=[oren.id, None, None, oren.id, oren.id][i],
        )
        for i, payload in enumerate(AWKWARD_PAYLOADS)
    ]


def test_bulk_create_stores_what_the_orm_stores_in_order_in_one_statement():
    from django.utils import timezone

    from htrae.bulk import bulk_create
    from world.models import GameEvent

    here = LocationFactory()
    oren = CharacterFactory(location=here)
    before = timezone.now()
    expected = _event_rows(GameEvent.objects.bulk_create(_awkward_events(here, oren)))

    events = _awkward_events(here, oren)
    with CaptureQueriesContext(connection) as queries:
        returned = bulk_create(events)

    assert len(queries) == 1
    assert returned == events
    ids = [e.id for e in events]
    assert all(isinstance(i, int) for i in ids) and ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(not e._state.adding for e in events)
    # Each id is the row written from that instance: nothing lost, reordered or retyped.
    stored = GameEvent.objects.in_bulk(ids)
    assert _event_rows(stored[i] for i in ids) == expected == _event_rows(events)
    for event in events:
        row = stored[event.id]
        assert type(row.tick) is int and type(row.payload) is dict
        assert before <= row.timestamp <= timezone.now()  # auto_now_add, as on save
        assert row.timestamp == event.timestamp


def test_bulk_create_keeps_floats_nulls_and_explicit_times():
    from datetime import UTC, datetime

    from htrae.bulk import bulk_create
    from narrative.models import Conversation, ConversationMessage
    from spectra.models import EmotionSample

    here = LocationFactory()
    oren = CharacterFactory(location=here)
    when = datetime(2026, 12, 4, 23, 59, 59, 999999, tzinfo=UTC)
    samples = [
        EmotionSample(
            character=oren,
            tick=2**40 + i,
            world_time=when,
            mood="calm" if i else "élan",
            pleasure=i,
            arousal=-0.5,
            dominance=1,
            intensity=1e-9 * i,
            cause="",
        )
        for i in range(3)
    ]
    bulk_create(samples)
    stored = list(EmotionSample.objects.filter(character=oren).order_by("id"))
    assert [(s.id, s.tick, s.world_time, s.mood, s.pleasure, s.dominance, s.intensity) for s in stored] == [
        (samples[i].id, 2**40 + i, when, "calm" if i else "élan", float(i), 1.0, 1e-9 * i) for i in range(3)
    ]
    assert all(type(s.pleasure) is float for s in stored)

    # A conversation's ids feed its lines' foreign keys, NULL speakers included.
    [talk] = bulk_create([Conversation(location=here, started_tick=3, topic="")])
    lines = bulk_create(
        [ConversationMessage(conversation=talk, speaker=speaker, text="¿Sí?", tick=3) for speaker in (oren, None)]
    )
    assert [(m.conversation_id, m.speaker_id, m.text) for m in talk.messages.order_by("id")] == [
        (talk.id, oren.id, "¿Sí?"),
        (talk.id, None, "¿Sí?"),
    ]
    assert [m.id for m in lines] == list(talk.messages.order_by("id").values_list("id", flat=True))


def test_bulk_create_ignoring_conflicts_skips_existing_rows():
    from htrae.bulk import bulk_create
    from narrative.models import Conversation

    here = LocationFactory()
    oren, mira = CharacterFactory(location=here), CharacterFactory(location=here)
    talk = Conversation.objects.create(location=here)
    talk.participants.add(oren)
    Participant = Conversation.participants.through

    bulk_create([Participant(conversation=talk, character=c) for c in (oren, mira)], ignore_conflicts=True)

    assert set(talk.participants.values_list("id", flat=True)) == {oren.id, mira.id}


def test_bulk_create_of_nothing_runs_nothing_and_refuses_saved_rows():
    from htrae.bulk import bulk_create

    with CaptureQueriesContext(connection) as queries:
        assert bulk_create([]) == []
    assert len(queries) == 0
    if connection.vendor == "postgresql":  # SQLite hands the rows to the ORM as they are
        with pytest.raises(ValueError):
            bulk_create([CharacterFactory()])


@pytest.mark.django_db
def test_values_pass_as_they_are_only_where_the_field_would_give_them_back_unchanged():
    """`_preparer`'s shortcut: a plain value of the field's own kind passes untouched; anything
    else (a number as text, a bool for an int, an int for a float) is prepared by the field,
    exactly as the ORM would."""
    from django.db import connections

    from gossip.models import Knowledge
    from htrae.bulk import _preparer

    db = connections["default"]

    def prepared(model, name, value):
        field = model._meta.get_field(name)
        return _preparer(field, db)(value), field.get_db_prep_save(value, connection=db)

    for model, name, value in [
        (Character, "energy", 42),  # an int for a float: prepared
        (Character, "energy", 42.5),
        (Character, "name", "Oren Vael"),
        (Character, "is_active", True),
        (Character, "location", 7),  # a foreign key by its id
        (Character, "location", "7"),  # an id given as text: prepared
        (Knowledge, "learned_tick", True),  # a bool for an int: prepared as 1
        (Knowledge, "faction", None),
        (Knowledge, "secret", 0),
    ]:
        ours, orms = prepared(model, name, value)
        assert ours == orms and type(ours) is type(orms), (name, value)
