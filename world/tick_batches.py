"""One batch of a tick, in two steps: plan it, then apply the plan.

`batch_plan` perceives, decides and acts for a batch of characters: it reads the world as
it stood at tick start and runs the pure simulation, and writes nothing. So a plan can be
made anywhere: in the tick's own process, or in a Celery worker beside it
(`world.tick_fanout`), and making it twice gives the same plan. A plan is plain data
(`plan_to_json` / `plan_from_json`) so it can travel back through Celery's result backend.

Every batch of a tick is planned before any is applied, so each reads the world exactly as
the tick found it: nothing an earlier batch wrote (a move, a line, a regard) shows through,
and neither the batch size nor the process that planned a batch changes the world.

`batch_apply` is the tick's own: inside its transaction it settles who got a thing first,
writes the characters and things, and publishes the events (their subscribers run then).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from htrae.bulk import bulk_update_columns
from world.autonomy.actions import apply_decision
from world.autonomy.decision import TALK, decide, rng_for
from world.autonomy.intentions import intentions_load
from world.autonomy.knowledge import facts_load
from world.autonomy.perception import WorldSnapshot, character_states_load, perceive, recent_talks_load
from world.autonomy.reactions import greeting_candidates
from world.autonomy.regard import regards_load
from world.autonomy.state import CharacterState
from world.events import EventDraft, publish_many
from world.models import Character, WorldObject


@dataclass(frozen=True)
class ActorPlan:
    """What one character does this tick, as it will be written."""

    id: int
    location_id: int | None
    energy: float
    needs: dict[str, Any]
    events: tuple[tuple[str, int | None, dict[str, Any]], ...] = ()  # (type, location id, payload)
    object_moves: tuple[tuple[int, int | None, int | None], ...] = ()  # (object id, location id, holder id)
    object_states: tuple[tuple[int, dict[str, Any]], ...] = ()  # (object id, properties to set)


def batch_plan(
    ids: Sequence[int],
    snapshot: WorldSnapshot,
    *,
    tick: int,
    seed: int,
    world_time: datetime,
    talk_rules: Mapping[str, Sequence[str]],
) -> list[ActorPlan]:
    """Perceive, decide and act for one batch (seven queries, and one for each intention
    source and each regard source; when someone talks, `_with_knowledge`'s few more)."""
    ids = list(ids)
    hour = world_time.hour
    intentions = intentions_load(ids, tick=tick, world_time=world_time)
    regards = regards_load(ids, tick=tick)
    states_loaded = character_states_load(
        ids, moods=snapshot.moods, intentions=intentions, carried=snapshot.carried, regards=regards
    )
    perceptions = [perceive(me, snapshot, hour=hour, tick=tick) for me in states_loaded]
    # whom each spoke with lately matters only for greeting the friends who just arrived
    talks = recent_talks_load(((p.me.id, other) for p in perceptions for other in greeting_candidates(p)), tick=tick)
    chosen = []
    for perception in perceptions:
        if perception.me.id in talks:
            perception = replace(perception, talked_recently=talks[perception.me.id])
        rng = rng_for(seed=seed, tick=tick, character_id=perception.me.id)
        chosen.append((perception, decide(perception, rng=rng), rng))
    speakers = _with_knowledge(chosen, snapshot, tick=tick)
    plans = []
    for perception, decision, rng in chosen:
        me, listener = speakers.get(perception.me.id, (perception.me, None))
        perception = replace(perception, me=me)
        outcome = apply_decision(perception, decision, tick=tick, rng=rng, listener=listener, talk_rules=talk_rules)
        state = outcome.state
        plans.append(
            ActorPlan(
                id=me.id,
                location_id=state.location_id,
                energy=state.energy,
                needs=state.needs,
                events=tuple((e.type, e.location_id, e.payload) for e in outcome.events),
                object_moves=tuple((m.object_id, m.location_id, m.holder_id) for m in outcome.object_moves),
                object_states=tuple(outcome.object_states),
            )
        )
    return plans


def batch_apply(plans: Sequence[ActorPlan], snapshot: WorldSnapshot, *, tick: int) -> None:
    """Write one batch's plans and publish its events (a constant number of queries, and
    what the events' subscribers spend). Batches are applied in id order."""
    changed: list[tuple] = []
    drafts: list[EventDraft] = []
    moves: dict[int, tuple] = {}
    states: dict[int, dict] = {}
    for plan in plans:
        plan = _claim_objects(plan, snapshot)
        changed.append((plan.id, plan.location_id, plan.energy, plan.needs))
        drafts += [
            # the turns of an exchange are each spoken by their own speaker
            EventDraft(
                type=kind,
                payload=payload,
                tick=tick,
                location_id=location_id,
                actor_id=payload.get("actor_id", plan.id),
            )
            for kind, location_id, payload in plan.events
        ]
        for object_id, location_id, holder_id in plan.object_moves:
            moves[object_id] = (object_id, location_id, holder_id)
        for object_id, values in plan.object_states:
            states.setdefault(object_id, {}).update(values)
    bulk_update_columns(Character, ["location", "energy", "needs"], changed)
    if moves:
        bulk_update_columns(WorldObject, ["location", "holder"], [moves[key] for key in sorted(moves)])
    if states:
        _object_states_apply(states)
    publish_many(drafts, broadcast=False)


def plan_to_json(plans: Sequence[ActorPlan]) -> list[list]:
    return [
        [
            p.id,
            p.location_id,
            p.energy,
            p.needs,
            [list(e) for e in p.events],
            [list(m) for m in p.object_moves],
            [list(s) for s in p.object_states],
        ]
        for p in plans
    ]


def plan_from_json(rows: Sequence[Sequence]) -> list[ActorPlan]:
    return [
        ActorPlan(
            id=actor_id,
            location_id=location_id,
            energy=energy,
            needs=needs,
            events=tuple((kind, place, payload) for kind, place, payload in events),
            object_moves=tuple((thing, place, holder) for thing, place, holder in moves),
            object_states=tuple((thing, values) for thing, values in states),
        )
        for actor_id, location_id, energy, needs, events, moves, states in rows
    ]


def _with_knowledge(chosen: list, snapshot, *, tick: int) -> dict[int, tuple[CharacterState, CharacterState | None]]:
    """For each character that talks: its state with what it knows, and its listener's state
    (goals, faction, what it carries, knows and thinks of others) for the listener's answers
    (four queries and one per regard source, whoever and however many talk; none if no one
    does). Every batch is planned before any is applied, so a listener in another batch is
    read as the tick found it, as one in the speaker's batch is."""
    talking = [(p, d) for p, d, _ in chosen if d.action == TALK and d.target_id is not None]
    if not talking:
        return {}
    in_batch = {p.me.id: p.me for p, _, _ in chosen}
    wanted = sorted({d.target_id for _, d in talking if d.target_id not in in_batch})
    others = {}
    if wanted:
        # what they carry from the snapshot (free); their intentions, which no answer reads,
        # are left unloaded (a query per intention source)
        loaded = character_states_load(
            wanted, moods=snapshot.moods, carried=snapshot.carried, regards=regards_load(wanted, tick=tick)
        )
        others = {state.id: state for state in loaded if state.kind in ("npc", "spectra")}
    people = {**others, **in_batch}
    facts = facts_load(sorted({p.me.id for p, _ in talking} | {d.target_id for _, d in talking}), tick=tick)
    found = {}
    for perception, decision in talking:
        me = replace(perception.me, facts=facts.get(perception.me.id, ()))
        listener = people.get(decision.target_id)
        if listener is not None:
            listener = replace(listener, facts=facts.get(listener.id, ()), mood=snapshot.moods.get(listener.id, "calm"))
        found[me.id] = (me, listener)
    return found


def _claim_objects(plan: ActorPlan, snapshot: WorldSnapshot) -> ActorPlan:
    """A thing goes to the first character (in id order, so whatever the batch size or the
    worker that planned it) that takes, gives or drops it this tick; a later one finds it
    gone and its action does nothing."""
    if not plan.object_moves:
        return plan
    if any(object_id in snapshot.moved_objects for object_id, _, _ in plan.object_moves):
        missed = tuple(
            (kind.rsplit("_", 2)[0] + "_EXPLORED", location_id, {**payload, "missed": True})
            for kind, location_id, payload in plan.events
        )
        return replace(plan, events=missed, object_moves=(), object_states=())
    for object_id, _, _ in plan.object_moves:
        snapshot.moved_objects[object_id] = plan.id
    return plan


def _object_states_apply(states: dict[int, dict]) -> None:
    """Merge what using things did into their properties (two queries)."""
    things = list(WorldObject.objects.filter(id__in=sorted(states)).order_by("id"))
    for thing in things:
        thing.properties = {**(thing.properties or {}), **states[thing.id]}
    WorldObject.objects.bulk_update(things, ["properties"])
