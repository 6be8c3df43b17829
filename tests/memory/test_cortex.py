"""Characters remember on their own (events → memories), consolidate on the tick, reflect."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from htrae.vocabulary import EventType
from memory import services
from memory.models import Memory
from tests.factories import CharacterFactory, LocationFactory, MemoryFactory, PlayerFactory, WorldClockFactory
from world.events import publish
from world.models import Character, GameEvent
from world.tick import TickContext

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def square():
    WorldClockFactory(world_time=NOW, tick=3)
    return LocationFactory(name="Square")


def _speech(speaker, *, listener=None, text="Look at the light.", kind=EventType.SPECTRA_TALKED, tick=3):
    payload = {
        "actor_id": speaker.id,
        "actor_name": speaker.name,
        "actor_kind": speaker.kind,
        "location_name": speaker.location.name,
        "text": text,
    }
    if listener:
        payload.update(listener_id=listener.id, listener_name=listener.name)
    return GameEvent.objects.create(
        type=kind, payload=payload, tick=tick, location_id=speaker.location_id, actor_id=speaker.id
    )


def test_what_is_said_to_a_character_becomes_a_memory_with_the_words(square):
    oren = CharacterFactory(name="Oren", location=square)
    mira = CharacterFactory(name="Mira", location=square)

    publish(
        EventType.NPC_TALKED,
        {"actor_id": oren.id, "actor_name": "Oren", "actor_kind": "npc", "listener_id": mira.id,
         "listener_name": "Mira", "text": "The well is dry."},
        tick=3, location_id=square.id, actor_id=oren.id,
    )  # fmt: skip

    memory = Memory.objects.get()
    assert memory.character == mira and memory.type == "short_term"
    assert memory.content == "Oren said to me: “The well is dry.”"
    assert memory.importance_score == 4.0 and memory.tick == 3
    assert memory.source_event.type == EventType.NPC_TALKED
    assert memory.last_accessed_world_at == NOW


def test_bystanders_remember_what_spectra_says_and_players_get_no_memories(square, settings):
    settings.MEMORY_MAX_WITNESSES = 3
    spectra = CharacterFactory(name="Spectra", kind=Character.Kind.SPECTRA, location=square)
    player = PlayerFactory(location=square)
    crowd = [CharacterFactory(location=square) for _ in range(6)]
    CharacterFactory(location=LocationFactory())  # elsewhere

    services.memories_from_events(events=[_speech(spectra, listener=player)])

    rows = list(Memory.objects.values_list("character_id", "content", "importance_score"))
    assert len(rows) == 3  # the bounded witnesses; not the speaker, not the player listener
    assert {character_id for character_id, _, _ in rows} <= {c.id for c in crowd}
    assert rows[0][1] == f"I heard Spectra say to {player.name} at Square: “Look at the light.”"


@pytest.mark.parametrize("crowd", [5, 50])
def test_remembering_costs_constant_queries_whatever_the_crowd(square, settings, crowd, django_assert_max_num_queries):
    settings.MEMORY_MAX_WITNESSES = 100
    spectra = CharacterFactory(name="Spectra", kind=Character.Kind.SPECTRA, location=square)
    player = PlayerFactory(location=square)
    CharacterFactory.create_batch(crowd, location=square)
    events = [_speech(spectra, listener=player, text=f"line {i}") for i in range(3)]
    events.append(_speech(player, kind=EventType.PLAYER_SPOKE))

    with django_assert_max_num_queries(4):  # players among listeners, bystanders, clock, insert
        services.memories_from_events(events=events)

    assert Memory.objects.count() == 3 * crowd + crowd + 1  # Spectra hears the player too


def test_npc_crowd_talk_is_not_witnessed(square):
    a, b = CharacterFactory(location=square), CharacterFactory(location=square)
    CharacterFactory.create_batch(4, location=square)
    services.memories_from_events(events=[_speech(a, listener=b, kind=EventType.NPC_TALKED)])
    assert list(Memory.objects.values_list("character_id", flat=True)) == [b.id]


@pytest.mark.parametrize(("intensity", "remembered"), [(0.9, True), (0.2, False)])
def test_a_strong_mood_change_is_an_emotional_memory(square, intensity, remembered):
    mira = CharacterFactory(name="Mira", location=square)
    publish(
        EventType.NPC_EMOTION_CHANGED,
        {"actor_id": mira.id, "actor_name": "Mira", "actor_kind": "npc", "from": "calm", "to": "afraid",
         "intensity": intensity, "cause": "the lamps went out"},
        tick=3, location_id=square.id, actor_id=mira.id,
    )  # fmt: skip

    memories = list(Memory.objects.filter(character=mira, type="emotional"))
    assert bool(memories) is remembered
    if remembered:
        assert memories[0].content == "I felt afraid (the lamps went out)."
        assert memories[0].importance_score == pytest.approx(3 + 7 * 0.9)


def test_actors_remember_what_they_made_not_every_step(square):
    oren = CharacterFactory(location=square)
    base = {"actor_id": oren.id, "actor_name": oren.name, "actor_kind": "npc"}
    events = [
        GameEvent.objects.create(type=t, payload={**base, **extra}, tick=3, location_id=square.id, actor_id=oren.id)
        for t, extra in [
            (EventType.NPC_CREATED, {"creation": "a clay bird"}),
            (EventType.NPC_RESTED, {}),
            (EventType.NPC_MOVE_ACTION, {}),
        ]
    ]
    services.memories_from_events(events=events)
    assert list(Memory.objects.values_list("content", flat=True)) == ["I made a clay bird."]


# --- Consolidation -------------------------------------------------------------------------


def test_consolidation_keeps_the_important_and_forgets_the_rest(settings):
    settings.MEMORY_SHORT_TERM_WINDOW_TICKS, settings.MEMORY_LONG_TERM_THRESHOLD = 48, 5
    me = CharacterFactory()
    kept = MemoryFactory(character=me, tick=10, importance_score=6)
    lost = MemoryFactory(character=me, tick=10, importance_score=2)
    young = MemoryFactory(character=me, tick=90, importance_score=2)
    emotional = MemoryFactory(character=me, tick=1, importance_score=1, type="emotional")
    reflection = MemoryFactory(character=me, type="reflection", importance_score=8)
    reflection.sources.add(lost, kept)

    result = services.memories_consolidate(tick=100)

    assert result == {"kept": 1, "forgotten": 1}
    assert Memory.objects.get(id=kept.id).type == "long_term"
    assert not Memory.objects.filter(id=lost.id).exists()
    assert Memory.objects.get(id=young.id).type == "short_term"
    assert Memory.objects.filter(id=emotional.id).exists()
    assert list(reflection.sources.all()) == [Memory.objects.get(id=kept.id)]


@pytest.mark.parametrize("count", [6, 60])
def test_the_short_term_cap_drops_the_least_important_in_constant_queries(
    settings, count, django_assert_max_num_queries
):
    settings.MEMORY_SHORT_TERM_CAP = 3
    me, other = CharacterFactory(), CharacterFactory()
    Memory.objects.bulk_create(
        [Memory(character=me, content=f"m{i}", importance_score=i % 10, tick=99) for i in range(count)]
    )
    MemoryFactory(character=other, tick=99)

    with django_assert_max_num_queries(8):  # promote; each of two deletions: links from, links to, rows; the cap
        services.memories_consolidate(tick=100)

    kept = sorted(Memory.objects.filter(character=me).values_list("importance_score", flat=True))
    assert kept == sorted(i % 10 for i in range(count))[-3:]
    assert Memory.objects.filter(character=other).count() == 1


# --- Reflection ----------------------------------------------------------------------------


def test_reflection_forms_once_enough_importance_has_gathered(settings):
    settings.MEMORY_REFLECTION_THRESHOLD, settings.MEMORY_REFLECTION_IMPORTANCE = 20, 8
    me, calm = CharacterFactory(), CharacterFactory()
    sources = [MemoryFactory(character=me, importance_score=score, content=f"Event {score}.") for score in (9, 7, 5, 3)]
    MemoryFactory(character=calm, importance_score=2)

    reflections = services.memories_reflect(tick=5, world_time=NOW)

    assert len(reflections) == 1
    reflection = Memory.objects.get(type="reflection")
    assert reflection.character == me and reflection.importance_score == 8 and reflection.tick == 5
    assert set(reflection.sources.all()) == set(sources)
    assert reflection.content.startswith("Looking back on what has weighed on me lately: Event 9; Event 7")
    # Nothing new since: no second reflection; enough new importance: another.
    assert services.memories_reflect(tick=6, world_time=NOW) == []
    MemoryFactory(character=me, importance_score=10)
    MemoryFactory(character=me, importance_score=10)
    assert len(services.memories_reflect(tick=7, world_time=NOW, character_ids=[me.id])) == 1


def test_the_tick_phase_remembers_consolidates_and_reflects(square, settings):
    settings.MEMORY_REFLECTION_THRESHOLD = 3
    oren = CharacterFactory(location=square)
    event = GameEvent.objects.create(
        type=EventType.NPC_CREATED,
        payload={"actor_id": oren.id, "actor_name": "Oren", "actor_kind": "npc", "creation": "a kite"},
        tick=4, location_id=square.id, actor_id=oren.id,
    )  # fmt: skip
    MemoryFactory(character=oren, importance_score=2, tick=-100)  # old: forgotten

    services.memory_tick(TickContext(tick=4, seed=1, world_time=NOW, previous_world_time=NOW, events=(event,)))

    types = sorted(Memory.objects.filter(character=oren).values_list("type", flat=True))
    assert types == ["reflection", "short_term"]


def test_a_tick_runs_with_the_memory_phase(square):
    from world.tick import run_tick

    CharacterFactory.create_batch(4, location=square)
    for _ in range(3):
        assert run_tick(force=True).ran


@pytest.mark.parametrize(
    ("emotion", "cause", "remembered"),
    [
        ("satisfaction", "GOAL_ACHIEVED", "I felt satisfaction when what I set out to do was done."),
        ("anger", "NPC_CONFRONTED", "I felt anger at a quarrel."),
        ("liking", "SPECTRA_TALKED", "I felt liking at what was said."),
        ("empathy", "Vess Lorne's unease", "I felt Vess Lorne's unease."),
        ("hope", "SOMETHING_NEW", "I felt hope (something new)."),
        ("joy", "", "I felt joy."),
    ],
)
def test_an_emotional_memory_says_why_in_words_not_event_names(square, emotion, cause, remembered):
    mira = CharacterFactory(name="Mira", location=square)
    publish(
        EventType.NPC_EMOTION_CHANGED,
        {"actor_id": mira.id, "actor_name": "Mira", "actor_kind": "npc", "from": "calm", "to": "joy",
         "intensity": 0.9, "cause": cause, "emotion": emotion, "felt": 0.9},
        tick=3, location_id=square.id, actor_id=mira.id,
    )  # fmt: skip
    assert Memory.objects.get(character=mira, type="emotional").content == remembered
