"""The tick's reads of the event log look at the window they ask for, not at the history
before it: the tick's time must not grow with the history kept (issue 10)."""

from __future__ import annotations

import itertools
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
    """A crowd that has talked for long, and lately each with the next five: a batch of the
    tick."""
    place = LocationFactory()
    people = [CharacterFactory(location=place) for _ in range(200)]
    history = [
        event
        for speaker, listener in zip(people, people[1:] + people[:1], strict=True)
        for event in _talks(speaker, listener, ticks=range(NOW - 300, NOW - 100, 2))
    ]
    lately = [
        event
        for number, speaker in enumerate(people)
        for step in range(1, 6)
        for event in _talks(speaker, people[(number + step) % len(people)], ticks=[NOW - 2])
    ]
    GameEvent.objects.bulk_create(history + lately)
    return people


def test_whom_a_character_spoke_with_lately_is_read_from_the_window_only(talkers):
    speaker, long_known, new_friend = talkers
    asked = [(speaker.id, long_known.id), (speaker.id, new_friend.id)]
    assert recent_talks_load(asked, tick=NOW) == {speaker.id: frozenset({new_friend.id})}
    assert recent_talks_load(asked, tick=NOW + GREET_AFTER_TICKS + 1) == {}


def test_only_the_pairs_asked_are_answered(talkers):
    speaker, long_known, new_friend = talkers
    # the speaker spoke with new_friend lately, but only of the pair with long_known is asked
    assert recent_talks_load([(speaker.id, long_known.id)], tick=NOW) == {}
    # the listener did not speak to the speaker: talk has a direction
    assert recent_talks_load([(new_friend.id, speaker.id)], tick=NOW) == {}
    assert recent_talks_load([], tick=NOW) == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the query plan is PostgreSQL's")
def test_the_read_of_recent_talks_touches_the_window_not_the_history_before_it(crowd):
    pairs = [(speaker.id, listener.id) for speaker, listener in itertools.pairwise(crowd[:21])]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE world_gameevent")
    with CaptureQueriesContext(connection) as captured:
        assert len(recent_talks_load(pairs, tick=NOW)) == len(pairs)
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def rows_read(node) -> int:
        # the rows each scan handed up, before any filter, over all its loops (a scan inside a
        # nested loop reports its rows per loop)
        scanned = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
        own = scanned * node.get("Actual Loops", 1) if "Scan" in node["Node Type"] else 0
        return own + sum(rows_read(child) for child in node.get("Plans", ()))

    # the 20 pairs asked, and the 20 things they said lately: not the 2,000 before, nor what
    # the same speakers said lately to others (80), nor the rest of the crowd's
    assert rows_read(plan[0]["Plan"]) <= 2 * len(pairs), plan
