"""The action executor: applies a decision to a character (pure) and says which events it
produced. The tick persists the new states and publishes the events in bulk.

NPCs publish NPC_* events and Spectra SPECTRA_* events, with the same action names.
"""

from __future__ import annotations

import random
from dataclasses import replace

from world.autonomy.decision import CREATE, EXPLORE, MOVE, PURSUE_GOAL, REST, TALK
from world.autonomy.speech import compose_line
from world.autonomy.state import ActionEvent, Decision, Outcome, Perception

# Needs grow a little every tick; acting on them brings them down.
NEED_GROWTH = {"social": 0.05, "rest": 0.03, "curiosity": 0.04}
EFFECTS = {
    MOVE: {"energy": -3.0, "curiosity": -0.3},
    TALK: {"energy": -1.0, "social": -0.5},
    EXPLORE: {"energy": -2.0, "curiosity": -0.4},
    REST: {"energy": 25.0, "rest": -0.5},
    CREATE: {"energy": -4.0, "curiosity": -0.2, "social": 0.05},
    PURSUE_GOAL: {"energy": -3.0},
}
PAST_TENSE = {
    MOVE: "MOVED",
    TALK: "TALKED",
    EXPLORE: "EXPLORED",
    REST: "RESTED",
    CREATE: "CREATED",
    PURSUE_GOAL: "PURSUED_GOAL",
}


def event_prefix(kind: str) -> str:
    return "SPECTRA" if kind == "spectra" else "NPC"


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def apply_decision(perception: Perception, decision: Decision, *, tick: int, rng: random.Random) -> Outcome:
    """The character's new state and the events of its action."""
    me = perception.me
    effects = EFFECTS[decision.action]
    needs = {
        name: round(_clamp(me.need(name) + NEED_GROWTH.get(name, 0.0) + effects.get(name, 0.0), 0.0, 1.0), 3)
        for name in {*NEED_GROWTH, *me.needs}
    }
    energy = effects["energy"]
    if decision.action == MOVE:
        cost = next((e.travel_cost for e in perception.exits if e.location_id == decision.target_id), 1)
        energy *= cost
    state = replace(me, needs=needs, energy=round(_clamp(me.energy + energy, 0.0, 100.0), 2))

    prefix = event_prefix(me.kind)
    actor = {"actor_id": me.id, "actor_name": me.name, "actor_kind": me.kind, "tick": tick}
    if decision.purpose:
        actor["purpose"] = decision.purpose
    here = me.location_id
    if decision.action == MOVE:
        state = replace(state, location_id=decision.target_id)
        route = {"from_id": here, "from_name": perception.location_name, "to_id": decision.target_id}
        route["to_name"] = decision.detail
        events = (
            ActionEvent(f"{prefix}_MOVE_ACTION", here, {**actor, **route}),
            ActionEvent(f"{prefix}_MOVED", decision.target_id, {**actor, **route}),
        )
    elif decision.action == TALK:
        text = compose_line(
            mood=me.mood, listener=decision.detail, place=perception.location_name, goals=me.goals, rng=rng
        )
        payload = {
            **actor,
            "listener_id": decision.target_id,
            "listener_name": decision.detail,
            # what the speaker thinks of the listener, for the words' tone (relationships)
            "listener_affinity": round(me.regard_of(decision.target_id).affinity, 3),
            "location_name": perception.location_name,
            "text": text,
        }
        events = (ActionEvent(f"{prefix}_TALKED", here, payload),)
    else:
        payload = {**actor}
        if decision.action == EXPLORE and decision.target_id:
            payload.update(object_id=decision.target_id, object_name=decision.detail)
        elif decision.action == CREATE:
            payload["creation"] = decision.detail
        elif decision.action == PURSUE_GOAL:
            payload["goal"] = decision.detail
        events = (ActionEvent(f"{prefix}_{PAST_TENSE[decision.action]}", here, payload),)
    return Outcome(state=state, events=events)
