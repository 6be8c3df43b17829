"""Dreams: a sleeper feels again one of its emotional memories of late (spectra/dreaming.py),
so a sleeping town is not one quiet mood; a dream leaves no memory of its own."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from htrae.vocabulary import DREAM
from memory.models import Memory
from memory.recollection import EventView, drafts_for
from spectra.dreaming import (
    CAUSE_LENGTH,
    DREAM_LOOKBACK_TICKS,
    DREAM_VIVIDNESS,
    Remembered,
    dream_cause,
    dream_of,
    dreams_this_tick,
)
from spectra.emotion import MOOD_PROTOTYPES
from spectra.feelings import feelings_update
from tests.factories import CharacterFactory, LocationFactory, MemoryFactory, WorldClockFactory
from world.models import Character, GameEvent

SMALL_HOURS = datetime(1247, 3, 21, 3, 0, tzinfo=UTC)
GENTLE = {"openness": 0.55, "conscientiousness": 0.6, "extraversion": 0.6, "agreeableness": 0.8, "neuroticism": 0.3}


def test_who_dreams_is_seeded_per_sleeper_and_follows_the_chance():
    sleepers = list(range(1, 2001))
    dreamers = dreams_this_tick(sleepers, seed=7, tick=300, chance=0.35)
    assert dreamers == dreams_this_tick(list(reversed(sleepers)), seed=7, tick=300, chance=0.35)
    assert 0.30 < len(dreamers) / len(sleepers) < 0.40
    assert dreamers != dreams_this_tick(sleepers, seed=8, tick=300, chance=0.35)
    assert dreamers != dreams_this_tick(sleepers, seed=7, tick=301, chance=0.35)
    # each sleeper's draw is its own: who else sleeps does not change whether it dreams
    assert dreams_this_tick(sleepers[:100], seed=7, tick=300, chance=0.35) == [s for s in dreamers if s <= 100]
    assert dreams_this_tick(sleepers, seed=7, tick=300, chance=0.0) == []
    assert dreams_this_tick(sleepers, seed=7, tick=300, chance=1.0) == sleepers


def test_a_dream_replays_a_memory_toward_its_mood_the_weightier_the_likelier():
    fear = Remembered(1, "unease", 9.0, "I felt fear at a clash.")
    small = Remembered(2, "warmth", 1.0, "I felt liking at a talk.")
    picked = [dream_of([small, fear], seed=3, tick=tick, sleeper=5) for tick in range(400)]
    fearful = sum(dream.direction == MOOD_PROTOTYPES["unease"] for dream in picked)
    assert 0.8 * 400 < fearful < 400  # nine times the weight: about nine dreams in ten
    assert all(dream.emotion == DREAM for dream in picked)
    nightmare = next(dream for dream in picked if dream.direction == MOOD_PROTOTYPES["unease"])
    assert nightmare.cause == "a dream (I felt fear at a clash.)"
    assert nightmare.intensity == pytest.approx(DREAM_VIVIDNESS * 0.9**0.5, abs=1e-4)
    # the same sleeper, tick and seed dream the same, whatever order the memories come in
    assert dream_of([fear, small], seed=3, tick=9, sleeper=5) == dream_of([small, fear], seed=3, tick=9, sleeper=5)
    # nothing to dream of: no memories, or none felt in a mood there is
    assert dream_of([], seed=3, tick=9, sleeper=5) is None
    assert dream_of([Remembered(3, "", 8.0, "I felt something.")], seed=3, tick=9, sleeper=5) is None
    assert dream_of([Remembered(4, "nostalgia", 8.0, "I felt something.")], seed=3, tick=9, sleeper=5) is None


def test_a_dream_cause_fits_a_stored_cause():
    assert len(dream_cause("I felt " + "very " * 60 + "afraid.")) == CAUSE_LENGTH
    assert dream_cause("I felt joy.") == "a dream (I felt joy.)"


@pytest.fixture
def night(db):
    WorldClockFactory(tick=500)
    return LocationFactory()


def _felt(character, mood, importance, tick, content="I felt something."):
    """An emotional memory of `character`'s, felt in `mood`."""
    return MemoryFactory(
        character=character, type="emotional", feeling=mood, importance_score=importance, tick=tick, content=content
    )


def _sleep(place, characters, tick):
    events = [
        GameEvent(type="NPC_RESTED", payload={"actor_kind": "npc"}, tick=tick, actor_id=c.pk, location=place)
        for c in characters
    ]
    feelings_update(events=events, tick=tick, everyone=True, world_time=SMALL_HOURS, seed=11)
    return {c.pk: Character.objects.get(pk=c.pk).emotional_state for c in characters}


def test_two_sleepers_alike_dream_their_own_days_and_wake_apart(night, settings):
    """Two gentle sleepers, one wronged yesterday and one welcomed: asleep in the small hours,
    the wronged one dreams it again and feels it; the other rests warm. Dreamless (chance 0)
    they rest alike."""
    settings.EMOTION_DREAM_CHANCE = 1.0
    wronged = CharacterFactory(location=night, personality=GENTLE, emotional_state={})
    welcomed = CharacterFactory(location=night, personality=GENTLE, emotional_state={})
    _felt(wronged, "anger", 9.5, 470, "I felt reproach when Vess Lorne cheated me.")
    _felt(welcomed, "warmth", 9.5, 470, "I felt gratitude when Oren took me in.")
    # too old to dream of: the dreams draw on the last two days only
    _felt(welcomed, "unease", 10.0, 500 - DREAM_LOOKBACK_TICKS - 1, "I felt fear long ago.")
    for tick in range(501, 505):  # two hours of sleep, a dream a tick
        states = _sleep(night, [wronged, welcomed], tick=tick)
    assert states[wronged.pk]["pleasure"] < states[welcomed.pk]["pleasure"] - 0.3
    assert states[wronged.pk]["mood"] != states[welcomed.pk]["mood"]
    assert states[wronged.pk]["intensity"] > states[welcomed.pk]["intensity"] + 0.2  # a troubled sleep

    settings.EMOTION_DREAM_CHANCE = 0.0
    for sleeper in (wronged, welcomed):
        Character.objects.filter(pk=sleeper.pk).update(emotional_state={})
    states = _sleep(night, [wronged, welcomed], tick=505)
    _assert_alike(states[wronged.pk], states[welcomed.pk])


def _assert_alike(one: dict, other: dict) -> None:
    """Two feelings with no dream in them, alike but for what each saw the other do."""
    assert one["mood"] == other["mood"]
    assert one["pleasure"] == pytest.approx(other["pleasure"], abs=0.01)
    assert not any(habit.startswith(f"{DREAM}:") for habit in [*one["habits"], *other["habits"]])


def test_only_sleepers_dream_and_only_in_the_tick(night, settings):
    settings.EMOTION_DREAM_CHANCE = 1.0
    awake = CharacterFactory(location=night, personality=GENTLE, emotional_state={})
    twin = CharacterFactory(location=night, personality=GENTLE, emotional_state={})
    _felt(awake, "anger", 9.5, 490)
    feelings_update(events=[], tick=501, everyone=True, world_time=SMALL_HOURS, seed=11)
    assert Character.objects.get(pk=awake.pk).emotional_state == Character.objects.get(pk=twin.pk).emotional_state

    # without the tick's seed (a player's action stirring minds) no one dreams, asleep or not
    for sleeper in (awake, twin):
        Character.objects.filter(pk=sleeper.pk).update(emotional_state={})
    rested = [
        GameEvent(type="NPC_RESTED", payload={"actor_kind": "npc"}, tick=502, actor_id=c.pk, location=night)
        for c in (awake, twin)
    ]
    feelings_update(events=rested, tick=502, always=frozenset({awake.pk, twin.pk}), world_time=SMALL_HOURS)
    _assert_alike(*(Character.objects.get(pk=c.pk).emotional_state for c in (awake, twin)))


def test_a_dream_that_moves_the_mood_leaves_no_memory():
    dreamt = EventView(
        id=1,
        type="NPC_EMOTION_CHANGED",
        tick=501,
        location_id=10,
        actor_id=4,
        payload={
            "actor_id": 4,
            "actor_kind": "npc",
            "from": "calm",
            "to": "anger",
            "intensity": 0.8,
            "felt": 0.6,
            "emotion": DREAM,
            "cause": "a dream (I felt reproach.)",
        },
    )
    felt = EventView(
        id=2,
        type="NPC_EMOTION_CHANGED",
        tick=501,
        location_id=10,
        actor_id=4,
        payload={**dreamt.payload, "emotion": "reproach", "cause": "NPC_TALKED"},
    )
    drafts = drafts_for([dreamt, felt], bystanders={}, max_witnesses=3, emotion_threshold=0.5)
    assert [draft.event_id for draft in drafts] == [2]


def test_dreams_cost_the_same_queries_for_ten_sleepers_or_forty(night, settings, django_assert_max_num_queries):
    settings.EMOTION_DREAM_CHANCE = 1.0

    def sleepers(count):
        made = [CharacterFactory(location=night, personality=GENTLE, emotional_state={}) for _ in range(count)]
        for sleeper in made:
            _felt(sleeper, "anger", 8.0, 480)
        return made

    few = sleepers(10)
    with CaptureQueriesContext(connection) as small:
        _sleep(night, few, tick=501)
    small_count = len(small.captured_queries) - len(few)  # _sleep reads each back
    many = few + sleepers(30)
    with django_assert_max_num_queries(small_count + len(many)):
        _sleep(night, many, tick=502)
    assert Memory.objects.filter(type="emotional").count() == 40
