"""Quest steps advanced by events: the pure objective checks, the subscriber on players'
actions, the tick phase for waits, completion with its rewards and events."""

import pytest

from htrae.vocabulary import EventType
from narrative.models import FactionRelation, QuestAssignment, QuestStep, RelationModifier
from narrative.quests.logic import EventFacts, HolderFacts, StepFacts, next_step, step_met
from narrative.quests.services import quests_advance
from tests.factories import (
    CharacterFactory,
    FactionFactory,
    LocationFactory,
    PathFactory,
    PlayerFactory,
    QuestFactory,
    QuestStepFactory,
    WorldClockFactory,
    WorldObjectFactory,
)
from world.models import GameEvent
from world.player_actions import player_take
from world.services import player_interact, player_move, player_speak

Objective = QuestStep.Objective


def _holder(step: StepFacts, *, location_id=1, started=0) -> HolderFacts:
    return HolderFacts(assignment_id=1, character_id=10, location_id=location_id, step=step, step_started_tick=started)


def _step(kind: str, **targets) -> StepFacts:
    return StepFacts(id=1, quest_id=1, order=1, objective_type=kind, **targets)


# --- Pure ----------------------------------------------------------------------------------


def test_reach_location():
    holder = _holder(_step("reach_location", target_location_id=5))
    assert step_met(holder=holder, events=[EventFacts("PLAYER_MOVED", 10, 5)], tick=0, locations={})
    assert not step_met(holder=holder, events=[EventFacts("PLAYER_MOVED", 11, 5)], tick=0, locations={})
    assert not step_met(holder=holder, events=[EventFacts("PLAYER_MOVED", 10, 6)], tick=0, locations={})


def test_talk_to():
    holder = _holder(_step("talk_to", target_character_id=20))
    said_here = EventFacts("PLAYER_SPOKE", actor_id=10, location_id=3)
    assert step_met(holder=holder, events=[said_here], tick=0, locations={20: 3})
    assert not step_met(holder=holder, events=[said_here], tick=0, locations={20: 4})
    turned = EventFacts("PLAYER_INTERACTED", actor_id=10, location_id=4, target_type="character", target_id=20)
    assert step_met(holder=holder, events=[turned], tick=0, locations={})
    answered = EventFacts("NPC_TALKED", actor_id=20, location_id=4, listener_id=10)
    assert step_met(holder=holder, events=[answered], tick=0, locations={})
    assert not step_met(holder=holder, events=[EventFacts("NPC_TALKED", actor_id=20)], tick=0, locations={})


def test_bring_object_needs_the_object_carried_to_its_target():
    bring = _holder(_step("bring_object", target_object_id=7))
    touched = EventFacts("PLAYER_INTERACTED", actor_id=10, target_type="object", target_id=7)
    assert not step_met(holder=bring, events=[touched], tick=0, locations={})  # looking is not bringing
    looked = EventFacts("NPC_EXPLORED", actor_id=10, target_type="object", target_id=7, object_id=7)
    assert not step_met(holder=bring, events=[looked], tick=0, locations={})
    assert step_met(
        holder=bring, events=[EventFacts("PLAYER_TOOK_OBJECT", actor_id=10, object_id=7)], tick=0, locations={}
    )
    assert not step_met(
        holder=bring, events=[EventFacts("NPC_TOOK_OBJECT", actor_id=11, object_id=7)], tick=0, locations={}
    )

    to_place = _holder(_step("bring_object", target_object_id=7, target_location_id=4))
    arrived_empty = EventFacts("NPC_MOVED", actor_id=10, location_id=4)
    arrived_carrying = EventFacts("NPC_MOVED", actor_id=10, location_id=4, carrying=(7,))
    assert not step_met(holder=to_place, events=[arrived_empty], tick=0, locations={})
    assert step_met(holder=to_place, events=[arrived_carrying], tick=0, locations={})
    took_elsewhere = EventFacts("NPC_TOOK_OBJECT", actor_id=10, location_id=5, object_id=7)
    assert not step_met(holder=to_place, events=[took_elsewhere], tick=0, locations={})

    to_person = _holder(_step("bring_object", target_object_id=7, target_character_id=20))
    gave = EventFacts("NPC_GAVE_OBJECT", actor_id=10, object_id=7, receiver_id=20)
    assert step_met(holder=to_person, events=[gave], tick=0, locations={})
    assert not step_met(
        holder=to_person,
        events=[EventFacts("NPC_GAVE_OBJECT", actor_id=10, object_id=7, receiver_id=21)],
        tick=0,
        locations={},
    )


def test_wait_and_witness():

    wait = _holder(_step("wait", wait_ticks=6), started=4)
    assert not step_met(holder=wait, events=[], tick=9, locations={})
    assert step_met(holder=wait, events=[], tick=10, locations={})

    witness = _holder(_step("witness_event", event_type="NPC_CREATED"), location_id=2)
    assert step_met(holder=witness, events=[EventFacts("NPC_CREATED", location_id=2)], tick=0, locations={})
    assert step_met(holder=witness, events=[EventFacts("NPC_CREATED")], tick=0, locations={})  # world-wide
    assert not step_met(holder=witness, events=[EventFacts("NPC_CREATED", location_id=3)], tick=0, locations={})


def test_next_step():
    steps = [StepFacts(id=i, quest_id=1, order=i, objective_type="wait") for i in (3, 1, 2)]
    assert next_step(steps=steps, current=steps[1]).order == 2
    assert next_step(steps=steps, current=steps[0]) is None


# --- Through the event bus -------------------------------------------------------------------


@pytest.fixture
def world(db):
    WorldClockFactory(tick=5)
    home, tower = LocationFactory(slug="home"), LocationFactory(slug="tower")
    PathFactory(source=home, target=tower)
    sage = CharacterFactory(location=tower, slug="sage")
    lamp = WorldObjectFactory(location=tower, slug="lamp")
    return {"home": home, "tower": tower, "sage": sage, "lamp": lamp}


def _quest_for(character, world, *, rewards=None):
    quest = QuestFactory(rewards=rewards or {})
    kinds = [
        {"objective_type": Objective.REACH_LOCATION, "target_location": world["tower"]},
        {"objective_type": Objective.TALK_TO, "target_character": world["sage"]},
        {"objective_type": Objective.BRING_OBJECT, "target_object": world["lamp"]},
        {"objective_type": Objective.WAIT, "wait_ticks": 2},
    ]
    steps = [QuestStepFactory(quest=quest, order=n, **kind) for n, kind in enumerate(kinds, start=1)]
    return QuestAssignment.objects.create(character=character, quest=quest, current_step=steps[0])


def _order(assignment) -> int:
    assignment.refresh_from_db()
    return assignment.current_step.order


@pytest.mark.django_db
def test_a_quest_runs_from_first_step_to_completion(world):
    luminari, wanderers = FactionFactory(slug="luminari"), FactionFactory(slug="wanderers")
    player = PlayerFactory(location=world["home"], faction=wanderers)
    assignment = _quest_for(player, world, rewards={"standing": {"luminari": 40, "nobody": 5}})

    player_move(character=player, data={"to": world["tower"].id}, tick=5)
    assert _order(assignment) == 2 and assignment.step_started_tick == 5
    player_speak(character=player, data={"text": "Hello, sage."}, tick=6)
    assert _order(assignment) == 3
    player_interact(character=player, data={"target": {"type": "character", "id": world["sage"].id}}, tick=6)
    assert _order(assignment) == 3  # talking is not bringing
    player_interact(character=player, data={"target": {"type": "object", "id": world["lamp"].id}}, tick=7)
    assert _order(assignment) == 3  # looking at the lamp is not bringing it
    player_take(character=player, data={"object": world["lamp"].id}, tick=7)
    assert _order(assignment) == 4 and assignment.step_started_tick == 7

    from narrative.quests.subscribers import quests_tick
    from world.tick import TickContext

    def tick(n):
        quests_tick(TickContext(tick=n, seed=0, world_time=None, previous_world_time=None))

    tick(8)
    assert QuestAssignment.objects.get().status == "active"
    tick(9)
    assignment.refresh_from_db()
    assert assignment.status == QuestAssignment.Status.COMPLETED
    steps_done = GameEvent.objects.filter(type=EventType.QUEST_STEP_COMPLETED).values_list("payload__step", flat=True)
    assert sorted(steps_done) == [1, 2, 3, 4]
    completed = GameEvent.objects.get(type=EventType.QUEST_COMPLETED)
    assert completed.actor_id == player.id and completed.tick == 9
    relation = FactionRelation.objects.get(faction=luminari, other=wanderers)
    assert RelationModifier.objects.get(relation=relation).value == 40

    tick(10)  # nothing more happens to a completed quest
    assert GameEvent.objects.filter(type=EventType.QUEST_COMPLETED).count() == 1


@pytest.mark.django_db
def test_witness_an_event_at_the_holders_place(world):
    player = PlayerFactory(location=world["tower"])
    quest = QuestFactory()
    step = QuestStepFactory(quest=quest, order=1, objective_type=Objective.WITNESS_EVENT, event_type="NPC_CREATED")
    assignment = QuestAssignment.objects.create(character=player, quest=quest, current_step=step)
    elsewhere = GameEvent.objects.create(type="NPC_CREATED", location=world["home"], tick=5)
    assert quests_advance(events=[elsewhere], tick=5) == []
    here = GameEvent.objects.create(type="NPC_CREATED", location=world["tower"], tick=5)
    assert quests_advance(events=[here], tick=5) == [assignment.id]
    assignment.refresh_from_db()
    assert assignment.status == QuestAssignment.Status.COMPLETED


@pytest.mark.django_db
def test_a_tick_advances_waits(world):
    from world.tick import run_tick

    player = PlayerFactory(location=world["home"])
    quest = QuestFactory()
    first = QuestStepFactory(quest=quest, order=1, objective_type=Objective.WAIT, wait_ticks=1)
    QuestStepFactory(quest=quest, order=2, objective_type=Objective.WAIT, wait_ticks=50)
    assignment = QuestAssignment.objects.create(character=player, quest=quest, current_step=first, step_started_tick=5)
    assert run_tick(force=True).ran
    assert _order(assignment) == 2 and assignment.step_started_tick == 6


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 10])
def test_queries_are_constant(world, django_assert_max_num_queries, count):
    players = PlayerFactory.create_batch(count, location=world["home"])
    for player in players:
        _quest_for(player, world)
    events = [
        GameEvent.objects.create(type="PLAYER_MOVED", actor=player, location=world["tower"], tick=5)
        for player in players
    ]
    # assignments, steps, update, the events' insert, and the emotion core's rulebook
    # (its subscriber sees every event) with a little room
    with django_assert_max_num_queries(7):
        advanced = quests_advance(events=events, tick=5)
    assert len(advanced) == count


@pytest.mark.django_db
def test_unrelated_events_cost_nothing(world, django_assert_num_queries):
    event = GameEvent.objects.create(type="TIME_OF_DAY_CHANGED", tick=5)
    assert QuestAssignment.objects.count() == 0
    with django_assert_num_queries(1):  # witness steps could be waiting for it
        quests_advance(events=[event], tick=5)
