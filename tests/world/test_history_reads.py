"""The tick's reads of the event log look at the window they ask for, not at the history
before it: the tick's time must not grow with the history kept (issue 10)."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection

from htrae.vocabulary import EventType
from tests.factories import CharacterFactory, LocationFactory
from tests.query_plans import rows_read_by
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
    found = []
    rows_read, plan = rows_read_by(lambda: found.append(recent_talks_load(pairs, tick=NOW)))

    assert len(found[0]) == len(pairs)
    # the 20 pairs asked, and the 20 things they said lately: not the 2,000 before, nor what
    # the same speakers said lately to others (80), nor the rest of the crowd's
    assert rows_read <= 2 * len(pairs), plan
