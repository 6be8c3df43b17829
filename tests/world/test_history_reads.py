"""The tick's reads of the event log look at the window they ask for, not at the history
before it: the tick's time must not grow with the history kept (issue 10)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from htrae.vocabulary import EventType
from tests.factories import CharacterFactory, LocationFactory
from world.autonomy.perception import GREET_AFTER_TICKS, recent_talks_load
from world.models import GameEvent

NOW = 5000


def _talks(speaker, listener, *, ticks) -> list[GameEvent]:
    return [
        GameEvent(
            type=EventType.NPC_TALKED,
            tick=tick,
            actor=speaker,
            location=speaker.location,
            payload={"actor_id": speaker.id, "listener_id": listener.id},
        )
        for tick in ticks
    ]


@pytest.fixture
def talkers(db):
    place = LocationFactory()
    speaker, old_friend, new_friend = (CharacterFactory(location=place) for _ in range(3))
    GameEvent.objects.bulk_create(
        # a long history with one, a word lately with the other
        _talks(speaker, old_friend, ticks=range(NOW - 2000, NOW - GREET_AFTER_TICKS - 1))
        + _talks(speaker, new_friend, ticks=[NOW - GREET_AFTER_TICKS, NOW - 1])
    )
    return speaker, old_friend, new_friend


@pytest.fixture
def crowd(db):
    """A crowd that has talked for long, each a word or two lately: a batch of the tick."""
    place = LocationFactory()
    people = [CharacterFactory(location=place) for _ in range(200)]
    GameEvent.objects.bulk_create(
        event
        for speaker, listener in zip(people, people[1:] + people[:1], strict=True)
        for event in _talks(speaker, listener, ticks=[*range(NOW - 300, NOW - 100, 2), NOW - 2])
    )
    return people


def test_whom_a_character_spoke_with_lately_is_read_from_the_window_only(talkers):
    speaker, _long_known, new_friend = talkers
    assert recent_talks_load([speaker.id], tick=NOW) == {speaker.id: frozenset({new_friend.id})}
    assert recent_talks_load([speaker.id], tick=NOW + GREET_AFTER_TICKS + 1) == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the query plan is PostgreSQL's")
def test_the_read_of_recent_talks_touches_the_window_not_the_history_before_it(crowd):
    batch = [person.id for person in crowd[:20]]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE world_gameevent")
    with CaptureQueriesContext(connection) as captured:
        assert len(recent_talks_load(batch, tick=NOW)) == len(batch)
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def rows_read(node) -> int:
        # the rows each scan of the event table or its indexes handed up, before any filter
        own = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0) if "Scan" in node["Node Type"] else 0
        return own + sum(rows_read(child) for child in node.get("Plans", ()))

    # the batch said 20 things lately, after 2,000 before; the crowd 200 lately
    assert rows_read(plan[0]["Plan"]) <= 2 * len(batch), plan
