"""Reflections that become beliefs: stored with their citations, revised, used by decisions
and dialogue, and read in a constant number of queries."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from htrae.vocabulary import EventType
from memory import services
from memory.intentions import belief_intentions
from memory.models import Belief, Memory
from memory.reflection import insight_records_load
from memory.selectors import beliefs_touching
from spectra.dialogue import DialogueRequest, OfflineDialogueProvider
from spectra.replies import reply_to_player
from tests.factories import (
    CharacterFactory,
    FactionFactory,
    LocationFactory,
    MemoryFactory,
    PathFactory,
    PlayerFactory,
    WorldClockFactory,
    WorldObjectFactory,
)
from world.autonomy.conversation import compose_exchange
from world.autonomy.decision import decide
from world.autonomy.intentions import resolve_heading
from world.autonomy.perception import perceive, world_snapshot_load
from world.autonomy.state import CharacterState, Exit
from world.models import Character, GameEvent

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 6, 1, 12, tzinfo=UTC)
MIDNIGHT = datetime(2026, 6, 1, 23, tzinfo=UTC)


@pytest.fixture(autouse=True)
def reflect_often(settings):
    settings.MEMORY_REFLECTION_THRESHOLD = 10


def dealing(me, other, *, feeling, tone, tick=1, importance=4.0, place=None):
    """A memory of `other` speaking to `me`, with its event, as the cortex forms it."""
    place = place or me.location
    event = GameEvent.objects.create(
        type=EventType.NPC_TALKED,
        payload={"actor_id": other.id, "actor_name": other.name, "actor_kind": "npc", "listener_id": me.id},
        tick=tick, location_id=place.id, actor_id=other.id,
    )  # fmt: skip
    return MemoryFactory(
        character=me, content=f"{other.name} said to me: “Well met.”", importance_score=importance,
        feeling=feeling, tone=tone, tick=tick, source_event=event, hour=12,
    )  # fmt: skip


@pytest.fixture
def market():
    WorldClockFactory(world_time=NOON, tick=10)
    return LocationFactory(name="The Glass Market")


def test_a_reflection_states_a_belief_citing_the_memories_it_came_from(market):
    mira = CharacterFactory(name="Mira", location=market)
    oren = CharacterFactory(name="Oren Vael", location=market)
    cited = [dealing(mira, oren, feeling="calm", tone="joy") for _ in range(3)]

    (reflection,) = services.memories_reflect(tick=10, world_time=NOON)

    belief = Belief.objects.get()
    assert reflection.content == belief.statement == "I have come to trust Oren Vael."
    assert reflection.type == "reflection" and belief.reflection == reflection
    assert (belief.character, belief.subject_kind, belief.subject_id, belief.stance) == (
        mira,
        "person",
        oren.id,
        "trust",
    )
    assert belief.is_current and belief.revision == "formed" and belief.origin == "offline"
    # The citations exist and are the memories of Oren, in the belief and in the reflection's sources.
    assert sorted(belief.cited_memory_ids) == sorted(m.id for m in cited)
    assert set(reflection.sources.all()) == set(cited)
    # What a belief rests on is kept past the short-term window.
    assert set(Memory.objects.filter(id__in=belief.cited_memory_ids).values_list("type", flat=True)) == {"long_term"}


def test_memories_with_no_pattern_reflect_as_a_summary_and_form_no_belief(market):
    mira = CharacterFactory(location=market)
    for mood in ("joy", "unease", "calm", "melancholy"):
        dealing(mira, CharacterFactory(location=market), feeling=mood, tone=mood)

    (reflection,) = services.memories_reflect(tick=10, world_time=NOON)

    assert reflection.content.startswith("Looking back on what has weighed on me lately")
    assert not Belief.objects.exists()


def test_a_later_reflection_revises_the_belief_and_keeps_its_history(market):
    mira = CharacterFactory(location=market)
    oren = CharacterFactory(name="Oren Vael", location=market)
    for _ in range(3):
        dealing(mira, oren, feeling="calm", tone="joy", tick=1)
    services.memories_reflect(tick=10, world_time=NOON)
    first = Belief.objects.get()

    # Oren turns: many bad dealings since.
    for _ in range(8):
        dealing(mira, oren, feeling="unease", tone="intensity", tick=11)
    services.memories_reflect(tick=12, world_time=NOON)

    history = list(Belief.objects.filter(character=mira, subject_kind="person").order_by("id"))
    assert [(b.stance, b.revision, b.is_current) for b in history] == [
        ("trust", "formed", False),
        ("distrust", "overturned", True),
    ]
    assert history[1].previous == first
    assert history[1].statement == "I do not trust Oren Vael."


def test_dialogue_voices_a_belief_when_the_player_touches_its_subject(market, django_capture_on_commit_callbacks):
    spectra = CharacterFactory(name="Spectra", kind=Character.Kind.SPECTRA, location=market)
    oren = CharacterFactory(name="Oren Vael", location=market)
    player = PlayerFactory(name="wren", location=market)
    for _ in range(3):
        dealing(spectra, oren, feeling="joy", tone="calm")
    services.memories_reflect(tick=10, world_time=NOON)

    def reply(heard: str) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            event = reply_to_player(
                speaker_id=spectra.id, player_id=player.id, heard=heard, location_id=market.id, tick=11
            )
        return event.payload["text"]

    assert "I have come to trust Oren Vael" in reply("What do you make of Oren?")
    # Only a belief about what the player raised is brought to the reply as a belief.
    (belief,) = beliefs_touching(character=spectra, text="What do you make of Oren?")
    assert belief.subject_id == oren.id
    assert beliefs_touching(character=spectra, text="How are the lanterns tonight?") == []


def test_the_offline_composer_and_npc_lines_carry_a_belief():
    request = DialogueRequest(
        speaker_id=3, speaker_name="Mira", speaker_kind="npc", persona="A glassblower.", personality={},
        goals=(), mood="unease", listener_name="wren", heard="Tell me about the Guild.", location_name="Ash",
        beliefs=("The Glasswright Guild is hiding something about the glass.",),
    )  # fmt: skip
    assert "hiding something about the glass" in OfflineDialogueProvider().reply(request)

    belief = "The Drowned Bell Fen is dangerous at night."
    mira = CharacterState(id=1, name="Mira", kind="npc", location_id=1)
    lines = {
        compose_exchange(
            speaker=mira, listener=None, listener_id=2, listener_name="Oren", listener_kind="player", place="Ash",
            hour=12, tick=1, rng=random.Random(seed), belief=belief,
        )[0].text
        for seed in range(20)
    }  # fmt: skip
    assert any(belief in line for line in lines) and any(belief not in line for line in lines)


def state(me: int, location: int, **extra) -> CharacterState:
    # Tired and incurious: left alone, it would rather rest the night where it is.
    needs = {"rest": 0.9, "curiosity": 0.0, "social": 0.0}
    personality = {"openness": 0.1, "extraversion": 0.1}
    return CharacterState(
        id=me, name="Mira", kind="npc", location_id=location, needs=needs, personality=personality, **extra
    )


def test_a_feared_place_is_left_and_a_trusted_person_sought():
    exits = {1: (Exit(2, "Square"), Exit(3, "Fen")), 2: (Exit(1, "Fen"),)}
    belief_intentions_for = {
        "fear": {"reason": "The Fen is dangerous at night.", "weight": 0.5, "location_id": 1, "avoid": True},
        "trust": {"reason": "I have come to trust Oren.", "weight": 0.4, "character_id": 9},
    }
    from world.autonomy.state import Intention

    fear = Intention(belief=True, **belief_intentions_for["fear"])
    trust = Intention(belief=True, **belief_intentions_for["trust"])

    at_the_fen = resolve_heading(intentions=(fear,), here=1, exits=exits, whereabouts={}, object_places={}, routes={})
    assert at_the_fen.next_location_id == 2 and at_the_fen.reason == "The Fen is dangerous at night."
    # Away from it, fear sends nowhere; trust leads toward Oren.
    away = resolve_heading(
        intentions=(fear, trust), here=2, exits=exits, whereabouts={9: 1}, object_places={}, routes={}
    )
    assert away.reason == "I have come to trust Oren." and away.next_location_id == 1


def test_belief_intentions_come_from_current_beliefs_fear_of_night_only_at_night(market, settings):
    settings.MEMORY_BELIEF_PULL = 1.0
    fen = LocationFactory(name="The Fen")
    mira, oren = CharacterFactory(location=fen, needs={"social": 1.0}), CharacterFactory(location=market)
    common = {"character": mira, "confidence": 0.8, "valence": -0.6}
    Belief.objects.create(
        **common, subject_kind="place", subject_id=fen.id, subject_name="The Fen", subject_key=f"place:{fen.id}",
        stance="fear", statement="The Fen is dangerous at night.", qualifiers={"when": "night"},
    )  # fmt: skip
    Belief.objects.create(
        character=mira, confidence=0.6, valence=0.5, subject_kind="person", subject_id=oren.id,
        subject_name="Oren", subject_key=f"person:{oren.id}", stance="trust", statement="I have come to trust Oren.",
    )  # fmt: skip
    Belief.objects.create(
        character=mira, confidence=0.9, valence=0.5, subject_kind="person", subject_id=oren.id, is_current=False,
        subject_name="Oren", subject_key=f"person:{oren.id}", stance="distrust", statement="Old and revised.",
    )  # fmt: skip

    by_day = belief_intentions(character_ids=[mira.id], tick=5, world_time=NOON)[mira.id]
    assert [(i.reason, i.character_id, i.avoid) for i in by_day] == [("I have come to trust Oren.", oren.id, False)]
    at_night = belief_intentions(character_ids=[mira.id], tick=5, world_time=MIDNIGHT)[mira.id]
    # At night the fear comes first (surer), then the trust.
    assert [(i.location_id, i.avoid, i.weight) for i in at_night] == [(fen.id, True, 0.8), (None, False, 0.54)]
    # A friend is sought when lonely, the more the lonelier; having just talked, not at all.
    Character.objects.filter(id=mira.id).update(needs={"social": 0.8})
    (lonely,) = belief_intentions(character_ids=[mira.id], tick=5, world_time=NOON)[mira.id]
    assert lonely.character_id == oren.id and lonely.weight == 0.27
    Character.objects.filter(id=mira.id).update(needs={"social": 0.3})
    assert belief_intentions(character_ids=[mira.id], tick=5, world_time=NOON) == {}


def test_a_character_who_fears_its_place_walks_out(settings):
    settings.MEMORY_BELIEF_PULL = 1.0
    WorldClockFactory(world_time=MIDNIGHT, tick=10)
    fen, square = LocationFactory(name="The Fen"), LocationFactory(name="Square")
    PathFactory(source=fen, target=square, two_way=True)
    mira = CharacterFactory(location=fen, energy=100, personality={"openness": 0.1, "extraversion": 0.1})
    Belief.objects.create(
        character=mira, confidence=1.0, valence=-0.8, subject_kind="place", subject_id=fen.id, subject_name="The Fen",
        subject_key=f"place:{fen.id}", stance="fear", statement="The Fen is dangerous at night.",
        qualifiers={"when": "night"},
    )  # fmt: skip
    snapshot = world_snapshot_load(tick=11)
    intentions = belief_intentions(character_ids=[mira.id], tick=11, world_time=MIDNIGHT)
    me = state(mira.id, fen.id, energy=100.0, intentions=tuple(intentions[mira.id]))

    moves = 0
    for seed in range(20):
        decision = decide(perceive(me, snapshot, hour=23, tick=11), rng=random.Random(seed))
        if decision.action == "move":
            assert decision.target_id == square.id and decision.purpose == "The Fen is dangerous at night."
            moves += 1
    assert moves >= 12
    calm = state(mira.id, fen.id, energy=100.0)
    lingering = sum(
        decide(perceive(calm, snapshot, hour=23, tick=11), rng=random.Random(seed)).action == "move"
        for seed in range(20)
    )
    assert lingering <= moves - 6, (lingering, moves)  # without the belief, it mostly rests


def test_spectras_beliefs_endpoint(market, api_client):
    spectra = CharacterFactory(name="Spectra", kind=Character.Kind.SPECTRA, location=market)
    oren = CharacterFactory(name="Oren Vael", location=market)
    player = PlayerFactory(location=market)
    cited = [dealing(spectra, oren, feeling="joy", tone="joy") for _ in range(3)]
    services.memories_reflect(tick=10, world_time=NOON)

    assert api_client.get("/api/spectra/beliefs").status_code == 401
    api_client.force_authenticate(player.user)
    (belief,) = api_client.get("/api/spectra/beliefs").json()["results"]
    assert belief["statement"] == "I have come to trust Oren Vael." and belief["stance"] == "trust"
    assert belief["revision"] == "formed" and belief["previous_id"] is None
    assert sorted(c["id"] for c in belief["citations"]) == sorted(m.id for m in cited)


def _world(size: int):
    faction = FactionFactory()
    places = LocationFactory.create_batch(3)
    people = CharacterFactory.create_batch(size, location=places[0], faction=faction, needs={"social": 0.9})
    for index, me in enumerate(people):
        for step in range(4):
            dealing(me, people[(index + 1) % size], feeling="calm", tone="joy", place=places[step % 3])
    return people


@pytest.mark.parametrize("size", [3, 12])
def test_reflection_costs_the_same_queries_at_any_size(market, size, django_assert_max_num_queries):
    people = _world(size)
    with django_assert_max_num_queries(12):
        reflections = services.memories_reflect(tick=10, world_time=NOON)
    assert {r.character_id for r in reflections} == {p.id for p in people}
    assert Belief.objects.filter(stance="trust").count() == size


@pytest.mark.parametrize("size", [3, 12])
def test_belief_intentions_cost_one_query_at_any_size(market, size, django_assert_num_queries):
    people = _world(size)
    services.memories_reflect(tick=10, world_time=NOON)
    with django_assert_num_queries(1):
        found = belief_intentions(character_ids=[p.id for p in people], tick=11, world_time=NOON)
    assert len(found) == size


def test_reflection_reads_whom_and_what_a_memory_is_about_from_its_event(market):
    """The other person is the one spoken to (`listener_id`), the one turned to (`target`)
    or the actor; the object is the payload's `object_id` when it is an id; an event with
    none of them gives neither (only those keys of the payload are read)."""
    me, friend, stranger = (CharacterFactory(name=n, location=market) for n in ("Mira", "Oren Vael", "Tamsin"))
    lamp = WorldObjectFactory(name="Brass Lamp", location=market)

    def remembered(payload, actor):
        event = GameEvent.objects.create(
            type=EventType.NPC_USED_OBJECT, payload=payload, tick=5, location_id=market.id, actor_id=actor.id
        )
        return MemoryFactory(character=me, content="Something happened.", tick=5, source_event=event)

    spoken = remembered({"listener_id": friend.id}, me)
    turned = remembered({"target": {"type": "character", "id": stranger.id}, "object_id": lamp.id}, me)
    done_to_me = remembered({"actor_id": friend.id, "object_id": "not an id"}, friend)
    bare = remembered({}, me)

    records, _ = insight_records_load(character_ids=[me.id], before_tick=10)

    about = {
        r.id: (r.person and r.person.name, r.object and r.object.name, r.place and r.place.name) for r in records[me.id]
    }
    assert about == {
        spoken.id: ("Oren Vael", None, "The Glass Market"),
        turned.id: ("Tamsin", "Brass Lamp", "The Glass Market"),
        done_to_me.id: ("Oren Vael", None, "The Glass Market"),
        bare.id: (None, None, "The Glass Market"),
    }
