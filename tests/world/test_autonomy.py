"""The autonomy core's pure parts: perception of a snapshot, the decision engine, actions."""

from dataclasses import replace

import pytest

from world.autonomy.actions import apply_decision
from world.autonomy.decision import ACTIONS, MOVE, REST, TALK, decide, rng_for, score_actions
from world.autonomy.perception import OTHERS_SEEN, WorldSnapshot, perceive
from world.autonomy.state import CharacterState, Decision, Exit, Heading, Neighbour, ObjectSeen, Perception, Regard

MIRA = CharacterState(
    id=7,
    name="Mira",
    kind="npc",
    location_id=1,
    faction_id=3,
    energy=80.0,
    needs={"social": 0.5, "rest": 0.2, "curiosity": 0.6},
    personality={"openness": 0.7, "extraversion": 0.6, "conscientiousness": 0.5},
    goals=("Map the fen",),
    regard={8: Regard(familiarity=0.5), 9: Regard(familiarity=0.5)},  # she knows those around her
)
EXITS = (Exit(2, "Fen", 1), Exit(3, "Spire", 3))
CROWD = (Neighbour(8, "Oren", "npc", 3), Neighbour(9, "Spectra", "spectra", None))


def seen(me=MIRA, **changes) -> Perception:
    base = Perception(
        me=me, location_name="Commons", others_here=CROWD, exits=EXITS, objects_here=(ObjectSeen(4, "Shard"),)
    )
    return replace(base, **changes)


def test_the_same_perception_and_seed_give_the_same_decision():
    first = decide(seen(), rng=rng_for(seed=1, tick=5, character_id=7))
    again = decide(seen(), rng=rng_for(seed=1, tick=5, character_id=7))
    assert first == again


def test_decisions_vary_with_tick_and_seed():
    # Where her goal is served (pursuing a goal anywhere else is only a weak pull now).
    at_goal = seen(heading=Heading("Map the fen", 0.5, verb="visit", goal_id=1))
    choices = {decide(at_goal, rng=rng_for(seed=1, tick=tick, character_id=7)).action for tick in range(60)}
    assert len(choices) >= 4, choices
    by_seed = [decide(seen(), rng=rng_for(seed=seed, tick=1, character_id=7)).scores for seed in range(5)]
    assert len({tuple(sorted(s.items())) for s in by_seed}) == 5


def test_no_talking_alone_and_no_walking_without_paths():
    scores = score_actions(seen(others_here=(), exits=()))
    assert TALK not in scores and MOVE not in scores
    for tick in range(30):
        decision = decide(seen(others_here=(), exits=()), rng=rng_for(seed=1, tick=tick, character_id=7))
        assert decision.action not in {TALK, MOVE}


def test_exhausted_characters_rest_more():
    tired = replace(MIRA, energy=5.0, needs={**MIRA.needs, "rest": 0.9})
    rests = sum(
        decide(seen(me=tired), rng=rng_for(seed=2, tick=tick, character_id=7)).action == REST for tick in range(50)
    )
    fresh = sum(decide(seen(), rng=rng_for(seed=2, tick=tick, character_id=7)).action == REST for tick in range(50))
    assert rests > 40 and fresh < 15


def test_every_decision_names_a_known_action_and_a_present_target():
    for tick in range(50):
        decision = decide(seen(), rng=rng_for(seed=3, tick=tick, character_id=7))
        assert decision.action in ACTIONS
        if decision.action == MOVE:
            assert decision.target_id in {2, 3}
        if decision.action == TALK:
            assert decision.target_id in {8, 9}


def test_moving_publishes_move_action_at_the_origin_then_moved_at_the_destination():
    decision = Decision(action=MOVE, scores={}, target_id=3, detail="Spire")
    outcome = apply_decision(seen(), decision, tick=4, rng=rng_for(seed=1, tick=4, character_id=7))

    assert outcome.state.location_id == 3
    assert outcome.state.energy == pytest.approx(80 - 3 * 3)  # cost 3 path
    assert [(e.type, e.location_id) for e in outcome.events] == [("NPC_MOVE_ACTION", 1), ("NPC_MOVED", 3)]
    assert outcome.events[1].payload["to_name"] == "Spire"


def test_spectra_publishes_her_own_event_types():
    spectra = replace(MIRA, kind="spectra", name="Spectra")
    decision = Decision(action=TALK, scores={}, target_id=8, detail="Oren")
    outcome = apply_decision(seen(me=spectra), decision, tick=1, rng=rng_for(seed=1, tick=1, character_id=7))
    (event,) = outcome.events
    assert event.type == "SPECTRA_TALKED"
    assert "Oren" in event.payload["text"] and event.payload["listener_id"] == 8


def test_needs_and_energy_stay_in_range():
    worn = replace(MIRA, energy=1.0, needs={"social": 1.0, "rest": 0.0, "curiosity": 0.99})
    for action in ACTIONS:
        decision = Decision(action=action, scores={}, target_id=2 if action == MOVE else 8, detail="x")
        state = apply_decision(seen(me=worn), decision, tick=1, rng=rng_for(seed=1, tick=1, character_id=7)).state
        assert 0.0 <= state.energy <= 100.0
        assert all(0.0 <= value <= 1.0 for value in state.needs.values())


def snapshot(occupants) -> WorldSnapshot:
    return WorldSnapshot(
        location_names={1: "Commons"},
        exits={1: EXITS},
        objects={},
        occupants={1: tuple(occupants)},
        recent_events={},
        autonomous_ids=tuple(o.id for o in occupants),
    )


def test_a_crowd_is_seen_a_handful_at_a_time():
    crowd = [Neighbour(i, f"N{i}", "npc") for i in range(1, 60)]
    me = replace(MIRA, id=5)
    first = perceive(me, snapshot(crowd), hour=12, tick=3)
    assert len(first.others_here) == OTHERS_SEEN
    assert all(other.id != 5 for other in first.others_here)
    assert perceive(me, snapshot(crowd), hour=12, tick=3) == first
    assert perceive(me, snapshot(crowd), hour=12, tick=4).others_here != first.others_here


def test_a_player_present_holds_attention():
    with_player = seen(others_here=(*CROWD, Neighbour(20, "wren", "player", None)))
    talks_alone = sum(decide(seen(), rng=rng_for(seed=4, tick=t, character_id=7)).action == TALK for t in range(60))
    talks_with = sum(decide(with_player, rng=rng_for(seed=4, tick=t, character_id=7)).action == TALK for t in range(60))
    assert talks_with > talks_alone


def test_talk_turns_to_people_the_speaker_knows_elsewhere_and_names_them():
    from world.autonomy.state import Regard

    oren, sela, tam, stranger = (
        Neighbour(8, "Oren", "npc"),
        Neighbour(20, "Sela Moss", "npc"),
        Neighbour(21, "Tam", "npc"),
        Neighbour(22, "Ketch", "npc"),
    )
    me = replace(
        MIRA,
        regard={
            8: Regard(familiarity=0.9),  # here: not talked *of*
            20: Regard(affinity=-0.6, familiarity=0.5),
            21: Regard(affinity=0.5, familiarity=0.3),
            22: Regard(familiarity=0.01),  # barely known: not talked of
        },
    )
    snapshot = WorldSnapshot(
        location_names={1: "Commons", 2: "Fen"},
        exits={1: EXITS},
        objects={},
        occupants={1: (me_seen := Neighbour(7, "Mira", "npc"), oren), 2: (sela, tam, stranger)},
        recent_events={},
        autonomous_ids=(7, 8),
        whereabouts={7: 1, 8: 1, 20: 2, 21: 2, 22: 2},
    )
    assert me_seen.id == me.id
    perception = perceive(me, snapshot, hour=12, tick=3)
    assert [person.id for person in perception.known_elsewhere] == [20, 21]  # best known first

    talks = [
        apply_decision(
            perception,
            Decision(TALK, {}, target_id=8, detail="Oren"),
            tick=3,
            rng=rng_for(seed=seed, tick=3, character_id=7),
        )
        for seed in range(40)
    ]
    about = [outcome.events[0].payload for outcome in talks if "about_id" in outcome.events[0].payload]
    assert 5 < len(about) < 35  # some of the talk, not all
    for payload in about:
        assert payload["about_id"] in (20, 21) and payload["about_name"] in payload["text"]
        assert payload["about_affinity"] == me.regard[payload["about_id"]].affinity
    cold = [p for p in about if p["about_id"] == 20]
    assert cold and all("I wouldn't trust Sela" in p["text"] for p in cold)


def test_nobody_asks_whether_you_have_met_spectra():
    import random

    from world.autonomy.conversation import compose_exchange

    me = CharacterState(id=1, name="Mira", kind="npc", location_id=1)
    lines = [
        compose_exchange(
            speaker=me, listener=None, listener_id=2, listener_name="Oren", listener_kind="player", place="Ash",
            hour=12, tick=1, rng=random.Random(seed), known_elsewhere=(Neighbour(3, "Spectra", "spectra"),),
        )[0].text
        for seed in range(60)
    ]  # fmt: skip
    about = [line for line in lines if "Spectra" in line]
    assert about and all("know Spectra" not in line and "met Spectra" not in line for line in about)
