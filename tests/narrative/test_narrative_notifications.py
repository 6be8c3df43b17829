"""The narrative's notifications: faction news to everyone, quest progress to its holder,
through the real WebSocket and the in-memory channel layer."""

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from rest_framework.authtoken.models import Token

from htrae.vocabulary import EventType
from narrative.factions.notifications import relation_changed_message, status_changed_message
from narrative.models import QuestAssignment, QuestStep
from narrative.quests.notifications import (
    quest_completed_message,
    quest_failed_message,
    quest_started_message,
    quest_step_message,
)
from tests.factories import (
    CharacterFactory,
    FactionFactory,
    FactionRelationFactory,
    LocationFactory,
    PathFactory,
    PlayerFactory,
    QuestFactory,
    QuestStepFactory,
    WorldClockFactory,
)
from tests.world.test_websocket import action, joined, receive_until
from world.models import Character, GameEvent
from world.tick import run_tick

# --- The lines ---------------------------------------------------------------------------------


def test_the_lines():
    relation = GameEvent(
        type=EventType.FACTION_RELATION_CHANGED,
        payload={
            "faction_name": "The Luminari",
            "other_name": "The Verdant Accord",
            "stance": "wary",
            "standing": -34,
            "reason": "a clash at the Glass Market",
        },
    )
    assert relation_changed_message(relation) == (
        "The Luminari now regard the Verdant Accord as wary (\u221234): a clash at the Glass Market."
    )
    war = GameEvent(payload={"faction_name": "Thornwake", "other_name": "Guild", "stance": "at_war", "standing": 3})
    assert relation_changed_message(war) == "Thornwake now regard Guild as at war (+3)."

    status = GameEvent(
        type=EventType.FACTION_STATUS_CHANGED,
        payload={"faction_name": "The Thornwake", "status": "declining", "power": 29, "reason": "regard fell"},
    )
    assert status_changed_message(status) == "The Thornwake are now declining (power 29): regard fell."

    step = GameEvent(payload={"quest_title": "The Lamp-Tithe", "step": 2, "character_id": 1})
    assert quest_step_message(step) == 'You completed step 2 of "The Lamp-Tithe".'
    assert quest_completed_message(step) == 'You completed "The Lamp-Tithe".'
    assert quest_failed_message(step) == 'Time ran out for "The Lamp-Tithe".'
    started = GameEvent(payload={"actor_name": "Oren Vael", "quest_title": "Mend ties", "quest": "mend-ties-12"})
    assert quest_started_message(started) == (
        'Oren Vael sets out: Mend ties. Help them at their side (accept_quest "mend-ties-12").'
    )


# --- Over the WebSocket --------------------------------------------------------------------------


@pytest.fixture
def fresh_channel_layer(in_memory_channel_layer):
    """An empty in-memory channel layer."""


@pytest.fixture
async def close_consumer_connections():
    yield
    await database_sync_to_async(lambda: connection.close())()


@pytest.fixture
def world(db, fresh_channel_layer, close_consumer_connections):
    """Two players at the Gate, a path to the Tower; a square of NPCs of two factions with no
    way out, the Luminari regarding the Accord as neutral, near wary."""
    gate, tower = LocationFactory(name="the Gate"), LocationFactory(name="the Tower")
    PathFactory(source=gate, target=tower)
    WorldClockFactory(seed=5)
    lum = FactionFactory(slug="luminari", name="The Luminari")
    acc = FactionFactory(slug="verdant-accord", name="The Verdant Accord")
    FactionRelationFactory(faction=lum, other=acc, standing=-25)
    FactionRelationFactory(faction=acc, other=lum, standing=-25)
    players = {
        name: PlayerFactory(name=name, user__username=name, location=gate, faction=lum) for name in ("wren", "tam")
    }
    tokens = {name: Token.objects.create(user=player.user).key for name, player in players.items()}
    return {"gate": gate, "tower": tower, "lum": lum, "acc": acc, "players": players, "tokens": tokens}


async def frames_for(communicator, seconds=0.5):
    """Every frame that arrives within `seconds` of the last."""
    frames = []
    while not await communicator.receive_nothing(timeout=seconds):
        frames.append(await communicator.receive_json_from())
    return frames


def _quarrelling_square(world):
    square = LocationFactory(name="the Square")
    for faction in (world["lum"], world["acc"]):
        CharacterFactory.create_batch(
            4,
            location=square,
            faction=faction,
            personality={"extraversion": 1.0, "openness": 0.0, "conscientiousness": 0.0},
        )


def _tick_until_relation_changes() -> int:
    for _ in range(10):
        # keep them heated and wanting to talk (Spectra's appraisal and talking itself move both)
        Character.objects.filter(kind=Character.Kind.NPC).update(
            emotional_state={"mood": "intensity"}, needs={"social": 1.0}, energy=100
        )
        run_tick(force=True)
        if GameEvent.objects.filter(type=EventType.FACTION_RELATION_CHANGED).exists():
            return GameEvent.objects.filter(type=EventType.FACTION_RELATION_CHANGED).count()
    raise AssertionError("the relation never changed")


@pytest.mark.django_db(transaction=True)
async def test_a_relation_changed_in_a_tick_is_told_to_every_player(world):
    await database_sync_to_async(_quarrelling_square)(world)
    wren, tam = await joined(world, "wren"), await joined(world, "tam")

    changes = await database_sync_to_async(_tick_until_relation_changes)()

    for communicator in (wren, tam):
        notices = [
            frame["data"]
            for frame in await frames_for(communicator)
            if frame["type"] == "notification" and frame["data"]["event_type"] == EventType.FACTION_RELATION_CHANGED
        ]
        assert len(notices) == changes
        assert "now regard" in notices[0]["message"] and " as wary (" in notices[0]["message"]
        assert "at the Square." in notices[0]["message"]
    await wren.disconnect()
    await tam.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_quest_progress_is_told_to_its_holder_only(world):
    def give_quest():
        quest = QuestFactory(title="The Lamp-Tithe")
        first = QuestStepFactory(
            quest=quest, order=1, objective_type=QuestStep.Objective.REACH_LOCATION, target_location=world["tower"]
        )
        QuestStepFactory(
            quest=quest, order=2, objective_type=QuestStep.Objective.REACH_LOCATION, target_location=world["gate"]
        )
        QuestAssignment.objects.create(character=world["players"]["wren"], quest=quest, current_step=first)

    await database_sync_to_async(give_quest)()
    wren, tam = await joined(world, "wren"), await joined(world, "tam")

    await action(wren, "m1", action="move", to=world["tower"].id)
    notice = await receive_until(wren, "notification")
    assert notice["data"]["event_type"] == "QUEST_STEP_COMPLETED"
    assert notice["data"]["message"] == 'You completed step 1 of "The Lamp-Tithe".'

    await action(wren, "m2", action="move", to=world["gate"].id)
    messages = [frame["data"]["message"] for frame in await frames_for(wren) if frame["type"] == "notification"]
    assert messages == ['You completed step 2 of "The Lamp-Tithe".', 'You completed "The Lamp-Tithe".']

    assert not [frame for frame in await frames_for(tam) if frame["type"] == "notification"]
    await wren.disconnect()
    await tam.disconnect()
