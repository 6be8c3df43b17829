"""The action executor: applies a decision to a character (pure) and says which events it
produced. The tick persists the new states and publishes the events in bulk.

NPCs publish NPC_* events and Spectra SPECTRA_* events, with the same action names.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import replace

from world.autonomy.conversation import compose_exchange
from world.autonomy.decision import (
    CONFRONT,
    CREATE,
    DROP,
    EXPLORE,
    GIVE,
    MOVE,
    PURSUE_GOAL,
    REST,
    TAKE,
    TALK,
    USE,
)
from world.autonomy.reactions import INTRODUCES
from world.autonomy.state import ActionEvent, CharacterState, Decision, ObjectMove, ObjectSeen, Outcome, Perception
from world.autonomy.talk_grammar import RULES

# Needs grow a little every tick; acting on them brings them down. A tuple, not a set: the
# order of `needs` reaches stored JSON.
NEED_GROWTH = {"social": 0.05, "rest": 0.03, "curiosity": 0.04, "purpose": 0.02}
EFFECTS = {
    MOVE: {"energy": -3.0, "curiosity": -0.3},
    TALK: {"energy": -1.0, "social": -0.5},
    EXPLORE: {"energy": -2.0, "curiosity": -0.4},
    REST: {"energy": 25.0, "rest": -0.5},
    CREATE: {"energy": -4.0, "curiosity": -0.2, "social": 0.05, "purpose": -0.1},
    PURSUE_GOAL: {"energy": -3.0, "purpose": -0.3},
    TAKE: {"energy": -1.0, "curiosity": -0.2},
    GIVE: {"energy": -1.0, "social": -0.4, "purpose": -0.1},
    USE: {"energy": -2.0, "curiosity": -0.3, "purpose": -0.2},
    DROP: {"energy": 0.0},
    CONFRONT: {"energy": -4.0, "social": -0.2},
}
PAST_TENSE = {
    MOVE: "MOVED",
    TALK: "TALKED",
    EXPLORE: "EXPLORED",
    REST: "RESTED",
    CREATE: "CREATED",
    PURSUE_GOAL: "PURSUED_GOAL",
    TAKE: "TOOK_OBJECT",
    GIVE: "GAVE_OBJECT",
    USE: "USED_OBJECT",
    DROP: "DROPPED_OBJECT",
    CONFRONT: "CONFRONTED",
}


def event_prefix(kind: str) -> str:
    return "SPECTRA" if kind == "spectra" else "NPC"


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def apply_decision(
    perception: Perception,
    decision: Decision,
    *,
    tick: int,
    rng: random.Random,
    listener: CharacterState | None = None,
    talk_rules: Mapping[str, Sequence[str]] = RULES,
) -> Outcome:
    """The character's new state and the events of its action. A talk is an exchange of
    several turns with `listener` (its state, for its answers; None for a player, who
    answers for themself): one *_TALKED event per turn, each by its own speaker, in the
    words of `talk_rules` (the tick reads designers' edits once: `world.voice`)."""
    me = perception.me
    effects = EFFECTS[decision.action]
    needs = {
        name: round(_clamp(me.need(name) + NEED_GROWTH.get(name, 0.0) + effects.get(name, 0.0), 0.0, 1.0), 3)
        for name in sorted({*NEED_GROWTH, *me.needs})  # sorted: stored JSON never follows hash order
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
    if decision.goal_id is not None:
        actor["goal_id"] = decision.goal_id
    here = me.location_id
    if decision.action in (TAKE, GIVE, USE, DROP):
        return _handle_object(perception, decision, state, actor)
    if decision.action == CONFRONT:
        payload = {**actor, "target_id": decision.target_id, "target_name": decision.detail}
        return Outcome(state=state, events=(ActionEvent(f"{prefix}_CONFRONTED", here, payload),))
    if decision.action == MOVE:
        state = replace(state, location_id=decision.target_id)
        route = {"from_id": here, "from_name": perception.location_name, "to_id": decision.target_id}
        route["to_name"] = decision.detail
        if me.carried:
            route["carrying"] = [thing.id for thing in me.carried]
        events = (
            ActionEvent(f"{prefix}_MOVE_ACTION", here, {**actor, **route}),
            ActionEvent(f"{prefix}_MOVED", decision.target_id, {**actor, **route}),
        )
    elif decision.action == TALK:
        events = _exchange_events(perception, decision, actor, tick=tick, rng=rng, listener=listener, rules=talk_rules)
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


def _exchange_events(
    perception: Perception,
    decision: Decision,
    actor: dict,
    *,
    tick: int,
    rng: random.Random,
    listener: CharacterState | None,
    rules: Mapping[str, Sequence[str]],
) -> tuple[ActionEvent, ...]:
    """The turns of the exchange, as events: each names its speaker and listener, its act,
    the turn it answers (the one before) and the fact it tells, if one."""
    me = perception.me
    # A belief about someone or something else may come up (not one about the listener).
    belief = next((i.reason for i in me.intentions if i.belief and i.character_id != decision.target_id), "")
    # Or the talk may turn to someone the speaker knows who is elsewhere: that is how people
    # come to know of each other (the listener's `heard_of`).
    talked_of = tuple(person for person in perception.known_elsewhere if person.id != decision.target_id)
    neighbour = next((o for o in perception.others_here if o.id == decision.target_id), None)
    listener_kind = neighbour.kind if neighbour else (listener.kind if listener else "npc")
    theirs = listener.faction_id if listener is not None else (neighbour.faction_id if neighbour else None)
    turns = compose_exchange(
        speaker=me,
        listener=listener if listener_kind in ("npc", "spectra") else None,
        listener_id=decision.target_id,
        listener_name=decision.detail,
        listener_kind=listener_kind,
        place=perception.location_name,
        hour=perception.hour,
        tick=tick,
        rng=rng,
        standing=perception.standings.get(theirs) if theirs is not None else None,
        known_elsewhere=talked_of,
        belief=belief,
        introducing=decision.purpose.startswith(INTRODUCES),
        listener_famous=listener_kind == "spectra",
        rules=rules,
    )
    exchange = f"{tick}:{me.id}"
    events = []
    for index, turn in enumerate(turns):
        by_me = turn.speaker_id == me.id
        who = actor if by_me else {**_voice(turn), "tick": tick}
        regard = me.regard_of(turn.listener_id) if by_me else (listener.regard_of(me.id) if listener else None)
        payload = {
            **who,
            "listener_id": turn.listener_id,
            "listener_name": turn.listener_name,
            # what the speaker thinks of the listener, for the words' tone (relationships)
            "listener_affinity": round(regard.affinity, 3) if regard is not None else 0.0,
            "location_name": perception.location_name,
            "text": turn.text,
            "exchange": {
                "id": exchange,
                "turn": index,
                "act": turn.act,
                "topic": turn.topic,
                "answers": index - 1 if index else None,
            },
        }
        if turn.fact is not None:
            payload["fact"] = fact_payload(turn.fact)
        if by_me and turn.about_id is not None:
            subject = next(p for p in talked_of if p.id == turn.about_id)
            affinity = round(me.regard_of(subject.id).affinity, 3)
            payload.update(about_id=subject.id, about_name=subject.name, about_affinity=affinity)
        kind = me.kind if by_me else turn.speaker_kind
        events.append(ActionEvent(f"{event_prefix(kind)}_TALKED", perception.me.location_id, payload))
    return tuple(events)


def _voice(turn) -> dict:
    return {"actor_id": turn.speaker_id, "actor_name": turn.speaker_name, "actor_kind": turn.speaker_kind}


def fact_payload(fact) -> dict:
    """A told fact as it travels in an event's payload (and is learned from it)."""
    found = {"key": fact.key, "text": fact.text, "kind": fact.kind, "importance": fact.importance}
    for name in ("subject", "faction_id", "location_id", "starts_tick", "ends_tick"):
        value = getattr(fact, name)
        if value not in (None, ""):
            found[name] = value
    if fact.secret:
        found["secret"] = True
    return found


def _handle_object(perception: Perception, decision: Decision, state, actor: dict) -> Outcome:
    """Take, give, use or drop a thing: the event, and where the thing goes (the tick
    applies the move; a thing two characters reach for in one tick goes to the first)."""
    me = perception.me
    here = me.location_id
    prefix = event_prefix(me.kind)
    object_id = decision.object_id if decision.action == GIVE else decision.target_id
    thing = _find(object_id, me.carried) or _find(object_id, perception.objects_here)
    held_by = None
    if thing is None and decision.action == USE and perception.heading is not None:
        thing = _find(object_id, perception.held_for_me)  # used beside the one who holds it
        held_by = next((o for o in perception.others_here if o.id == perception.heading.partner_id), None)
    if thing is None:
        return Outcome(state=state, events=())
    payload = {**actor, "object_id": thing.id, "object_name": thing.name, "owner_id": thing.owner_id}
    payload["value"] = thing.value
    if held_by is not None:
        payload.update(held_by_id=held_by.id, held_by_name=held_by.name)
    carried = tuple(t for t in me.carried if t.id != thing.id)
    moves: tuple[ObjectMove, ...] = ()
    states: tuple = ()
    if decision.action == TAKE:
        payload["stolen"] = thing.owner_id is not None and thing.owner_id != me.id
        moves = (ObjectMove(thing.id, holder_id=me.id, taken_from_place=True),)
        carried = (*carried, thing)
    elif decision.action == GIVE:
        payload.update(receiver_id=decision.target_id, receiver_name=decision.detail)
        payload["returned"] = thing.owner_id == decision.target_id
        moves = (ObjectMove(thing.id, holder_id=decision.target_id),)
    elif decision.action == DROP:
        moves = (ObjectMove(thing.id, location_id=here),)
    else:  # USE: the thing stays where it is; its designed effect may change another thing
        carried = me.carried
        effect = thing.on_use
        if effect and effect.get("target_id") and effect.get("at_id") in (None, here):
            sets = dict(effect.get("sets") or {})
            states = ((effect["target_id"], {**sets, "changed_tick": actor["tick"]}),)
            payload["effect"] = {"object_id": effect["target_id"], "sets": sets, "says": effect.get("says", "")}
        if thing.soothing:
            payload["soothing"] = True
    state = replace(state, carried=carried)
    event = ActionEvent(f"{prefix}_{PAST_TENSE[decision.action]}", here, payload)
    return Outcome(state=state, events=(event,), object_moves=moves, object_states=states)


def _find(object_id: int | None, things: tuple[ObjectSeen, ...]) -> ObjectSeen | None:
    return next((thing for thing in things if thing.id == object_id), None)
