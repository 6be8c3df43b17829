"""Intentions: routes (pure), headings (pure), how a heading draws the decision, and the
sources other apps register (the quest holder's step, the remembered place)."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from memory.intentions import remembered_place_intentions
from narrative.models import QuestAssignment, QuestStep
from narrative.quests.intentions import quest_intentions
from tests.factories import (
    CharacterFactory,
    LocationFactory,
    MemoryFactory,
    QuestFactory,
    QuestStepFactory,
    WorldClockFactory,
)
from world.autonomy.decision import INTENT_PULL, MOVE, TALK, decide, score_actions
from world.autonomy.intentions import next_hop, resolve_heading
from world.autonomy.state import CharacterState, Exit, Heading, Intention, Neighbour, Perception, Regard
from world.models import GameEvent

# 1 → 2 → 3 → 4, and a shortcut 1 → 5 → 4; 6 is cut off.
EXITS = {
    1: (Exit(2, "Two"), Exit(5, "Five")),
    2: (Exit(3, "Three"),),
    3: (Exit(4, "Four"),),
    5: (Exit(4, "Four"),),
}


def test_next_hop_follows_a_shortest_path_and_caches_it():
    routes = {}
    assert next_hop(EXITS, 1, 4, routes) == Exit(5, "Five")
    assert next_hop(EXITS, 2, 4, routes) == Exit(3, "Three")
    assert next_hop(EXITS, 1, 6, routes) is None
    assert next_hop(EXITS, 4, 1, routes) is None, "paths here run one way"
    assert routes[(1, 4)] == Exit(5, "Five")


def test_the_strongest_reachable_intention_sets_the_heading():
    intentions = (
        Intention("lost", weight=1.0, location_id=6),  # unreachable: passed over
        Intention("quest", weight=0.9, character_id=77),
        Intention("memory", weight=0.3, location_id=2),
    )
    heading = resolve_heading(
        intentions=intentions, here=1, exits=EXITS, whereabouts={77: 4}, object_places={}, routes={}
    )
    assert heading == Heading("quest", 0.9, next_location_id=5, next_location_name="Five")

    arrived = resolve_heading(
        intentions=intentions[1:], here=4, exits=EXITS, whereabouts={77: 4}, object_places={}, routes={}
    )
    assert arrived == Heading("quest", 0.9, partner_id=77)
    thing = resolve_heading(
        intentions=(Intention("fetch", object_id=9),),
        here=3,
        exits=EXITS,
        whereabouts={},
        object_places={9: 3},
        routes={},
    )
    assert thing == Heading("fetch", 1.0, object_id=9)
    assert resolve_heading(intentions=(), here=1, exits=EXITS, whereabouts={}, object_places={}, routes={}) is None


def _perception(heading=None, others=()):
    me = CharacterState(
        id=1, name="Oren", kind="npc", location_id=1, needs={"curiosity": 0.3}, regard={77: Regard(familiarity=0.5)}
    )
    return Perception(me=me, location_name="One", others_here=tuple(others), exits=EXITS[1], hour=12, heading=heading)


def test_a_heading_pulls_the_decision_toward_its_way_and_its_partner():
    plain = score_actions(_perception())
    headed = score_actions(_perception(Heading("quest", 1.0, 5, "Five")))
    assert headed[MOVE] == pytest.approx(plain[MOVE] + INTENT_PULL)

    rhosyn = Neighbour(77, "Rhosyn", "npc")
    talk = score_actions(_perception(Heading("quest", 0.5, partner_id=77), others=[rhosyn]))
    assert talk[TALK] == pytest.approx(score_actions(_perception(others=[rhosyn]))[TALK] + INTENT_PULL * 0.5)

    # In company (alone, a character wanders off anyway), the heading makes it leave more
    # often, and always by the way to its target.
    headed_way = Heading("quest", 1.0, 5, "Five")
    moves = [decide(_perception(headed_way, others=[rhosyn]), rng=random.Random(n)) for n in range(50)]
    chosen = [d for d in moves if d.action == MOVE]
    assert chosen and all(d.target_id == 5 and d.purpose == "quest" for d in chosen)
    wandering = [decide(_perception(others=[rhosyn]), rng=random.Random(n)) for n in range(50)]
    assert len(chosen) > len([d for d in wandering if d.action == MOVE])
    assert {d.target_id for d in wandering if d.action == MOVE} == {2, 5}


@pytest.mark.django_db
def test_quest_holders_intend_their_current_steps_target():
    place, elsewhere = LocationFactory(), LocationFactory()
    oren, rhosyn, idle = CharacterFactory(), CharacterFactory(location=elsewhere), CharacterFactory()
    walk = QuestFactory(title="Walk")
    QuestAssignment.objects.create(
        character=oren,
        quest=walk,
        current_step=QuestStepFactory(
            quest=walk, objective_type=QuestStep.Objective.REACH_LOCATION, target_location=place
        ),
    )
    talk = QuestFactory(title="Talk")
    QuestAssignment.objects.create(
        character=rhosyn,
        quest=talk,
        current_step=QuestStepFactory(quest=talk, objective_type=QuestStep.Objective.TALK_TO, target_character=oren),
    )
    waiting = QuestFactory(title="Wait")
    QuestAssignment.objects.create(character=idle, quest=waiting, current_step=QuestStepFactory(quest=waiting))
    done = QuestFactory(title="Done")
    QuestAssignment.objects.create(
        character=idle,
        quest=done,
        status=QuestAssignment.Status.COMPLETED,
        current_step=QuestStepFactory(
            quest=done, objective_type=QuestStep.Objective.REACH_LOCATION, target_location=place
        ),
    )
    found = quest_intentions(character_ids=[oren.id, rhosyn.id, idle.id], tick=5, world_time=timezone.now())
    assert found == {
        oren.id: [Intention("Walk", 1.0, location_id=place.id)],
        rhosyn.id: [Intention("Talk", 1.0, character_id=oren.id)],
    }


@pytest.mark.django_db
def test_a_character_is_drawn_to_the_place_of_the_memory_it_would_recall_first(settings):
    from memory.intentions import CONSULT_EVERY_TICKS

    grove, market = LocationFactory(name="Grove"), LocationFactory(name="Market")
    lisel = CharacterFactory(goals=["Cure the ash-blight"])
    turn = 50 + (-(lisel.id + 50)) % CONSULT_EVERY_TICKS  # a tick on which she looks back
    clock = WorldClockFactory(tick=turn)
    seen_at_grove = GameEvent.objects.create(type="SPECTRA_MOVED", tick=10, location=grove)
    seen_at_market = GameEvent.objects.create(type="SPECTRA_MOVED", tick=11, location=market)
    MemoryFactory(
        character=lisel,
        content="I saw ash-blight on the roots.",
        importance_score=7,
        tick=10,
        source_event=seen_at_grove,
        last_accessed_world_at=clock.world_time - timedelta(hours=1),
    )
    MemoryFactory(
        character=lisel,
        content="A busy day of bargaining.",
        importance_score=6,
        tick=11,
        source_event=seen_at_market,
        last_accessed_world_at=clock.world_time - timedelta(hours=1),
    )
    MemoryFactory(  # formed during this very tick: not seen, so batches of a tick agree
        character=lisel,
        content="Something this very tick.",
        importance_score=10,
        tick=turn,
        source_event=seen_at_market,
    )
    MemoryFactory(character=lisel, content="A trifle.", importance_score=1, tick=9, source_event=seen_at_market)

    [intention] = remembered_place_intentions(character_ids=[lisel.id], tick=turn, world_time=clock.world_time)[
        lisel.id
    ]
    assert intention.location_id == grove.id, "relevant to her goal and more important"
    assert intention.reason.startswith("remembering: I saw ash-blight")
    assert 0 < intention.weight <= settings.MEMORY_PLACE_PULL

    assert remembered_place_intentions(character_ids=[lisel.id], tick=turn + 1, world_time=clock.world_time) == {}, (
        "not her turn"
    )
    settings.MEMORY_PLACE_PULL = 0
    assert remembered_place_intentions(character_ids=[lisel.id], tick=turn, world_time=clock.world_time) == {}
