"""When is a quest step's objective met? Pure functions over plain facts, no ORM.

| objective      | met when                                                                    |
| -------------- | --------------------------------------------------------------------------- |
| reach_location | the holder arrives (a *_MOVED event it is the actor of) at target_location  |
| talk_to        | the holder speaks to target_character (addressed, or at the target's place), |
|                | turns to them (PLAYER_INTERACTED), or the target speaks to the holder       |
| bring_object   | the holder carries target_object to the step's target: gives it to          |
|                | target_character, or arrives at / uses it at target_location carrying it,  |
|                | or (no target) takes it up. Looking at it is not enough                    |
| wait           | `wait_ticks` ticks have passed since the step started                       |
| witness_event  | an event of `event_type` happens at the holder's location (or world-wide)   |
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from htrae.vocabulary import EventType


@dataclass(frozen=True)
class StepFacts:
    id: int
    quest_id: int
    order: int
    objective_type: str
    target_location_id: int | None = None
    target_character_id: int | None = None
    target_object_id: int | None = None
    wait_ticks: int | None = None
    event_type: str = ""


@dataclass(frozen=True)
class HolderFacts:
    """An active assignment: who holds it, where they are, the step they are on."""

    assignment_id: int
    character_id: int
    location_id: int | None
    step: StepFacts
    step_started_tick: int


@dataclass(frozen=True)
class EventFacts:
    type: str
    actor_id: int | None = None
    location_id: int | None = None
    listener_id: int | None = None
    target_type: str | None = None
    target_id: int | None = None
    object_id: int | None = None  # the thing taken, given or used
    receiver_id: int | None = None  # to whom it was given
    carrying: tuple[int, ...] = ()  # what the actor carried when it arrived (a *_MOVED)


def step_met(
    *, holder: HolderFacts, events: Iterable[EventFacts], tick: int, locations: Mapping[int, int | None]
) -> bool:
    """True when `events` (or the passing of time) meet the holder's current step.
    `locations` maps the step's target character to where it stands."""
    step = holder.step
    if step.objective_type == "wait":
        return tick - holder.step_started_tick >= (step.wait_ticks or 0)
    check = _CHECKS.get(step.objective_type)
    return check is not None and any(check(holder, event, locations) for event in events)


def _reached(holder: HolderFacts, event: EventFacts, locations: Mapping[int, int | None]) -> bool:
    return (
        event.actor_id == holder.character_id
        and event.type in EventType.ARRIVALS
        and event.location_id is not None
        and event.location_id == holder.step.target_location_id
    )


def _talked(holder: HolderFacts, event: EventFacts, locations: Mapping[int, int | None]) -> bool:
    target = holder.step.target_character_id
    if not target:
        return False
    if event.actor_id == target:
        return event.type in EventType.SPEECH and event.listener_id == holder.character_id
    if event.actor_id != holder.character_id:
        return False
    if event.type == EventType.PLAYER_INTERACTED:
        return event.target_type == "character" and event.target_id == target
    same_place = event.location_id is not None and locations.get(target) == event.location_id
    return event.type in EventType.SPEECH and (event.listener_id == target or same_place)


def _brought(holder: HolderFacts, event: EventFacts, locations: Mapping[int, int | None]) -> bool:
    step = holder.step
    thing = step.target_object_id
    if event.actor_id != holder.character_id or thing is None:
        return False
    if step.target_character_id is not None:
        return (
            event.type in EventType.OBJECT_GIVEN
            and event.object_id == thing
            and event.receiver_id == step.target_character_id
        )
    if step.target_location_id is not None:
        if event.location_id != step.target_location_id:
            return False
        arrived = event.type in EventType.ARRIVALS and thing in event.carrying
        return arrived or (event.type in EventType.OBJECT_TAKEN | EventType.OBJECT_USED and event.object_id == thing)
    return event.type in EventType.OBJECT_TAKEN and event.object_id == thing


def _witnessed(holder: HolderFacts, event: EventFacts, locations: Mapping[int, int | None]) -> bool:
    wanted = holder.step.event_type
    here = event.location_id is None or event.location_id == holder.location_id
    return bool(wanted) and event.type == wanted and here


_CHECKS = {
    "reach_location": _reached,
    "talk_to": _talked,
    "bring_object": _brought,
    "witness_event": _witnessed,
}


def next_step(*, steps: list[StepFacts], current: StepFacts) -> StepFacts | None:
    """The step after `current` in its quest (None: the quest is done)."""
    later = [step for step in steps if step.quest_id == current.quest_id and step.order > current.order]
    return min(later, key=lambda step: step.order) if later else None


# --- Failure besides the deadline --------------------------------------------------------------

CHANGE_OF_HEART_MARGIN = 10  # points past the template's band before the giver calls it off


def giver_changed_heart(
    *, standing: int | None, at_most: int | None, at_least: int | None, margin: int = CHANGE_OF_HEART_MARGIN
) -> bool:
    """A relation quest's giver calls it off when the relation that gave rise to it has moved
    out of the template's band by more than `margin` (mending ties no one wants mended any
    more, watching a neighbour grown friendly). No band (a quest a chain opened) or no
    relation: never."""
    if standing is None:
        return False
    if at_most is not None and standing > at_most + margin:
        return True
    return at_least is not None and standing < at_least - margin


def rivals_beaten(
    *, won: Iterable[tuple[int, Iterable[str]]], still_open: Iterable[tuple[int, int, Iterable[str]]]
) -> list[int]:
    """The open assignments a rival has just beaten: another quest completed first and won what
    they were after (a secret to discover). `won`: (quest id, what it won); `still_open`:
    (assignment id, quest id, what it is after). Sorted ids."""
    claimed: dict[str, set[int]] = {}
    for quest_id, prizes in won:
        for prize in prizes:
            claimed.setdefault(prize, set()).add(quest_id)
    return sorted(
        assignment_id
        for assignment_id, quest_id, prizes in still_open
        if any(claimed.get(prize, set()) - {quest_id} for prize in prizes)
    )


# --- NPCs take designers' quests ----------------------------------------------------------------


@dataclass(frozen=True)
class OfferFacts:
    """A designer's quest on offer that no NPC holds now."""

    quest_id: int
    giver_id: int | None
    giver_location_id: int | None
    faction_id: int | None  # the quest's faction (else its giver's)
    tried_by: frozenset[int] = frozenset()  # who has held it before, however it ended


@dataclass(frozen=True)
class IdleFacts:
    """An NPC holding no quest now."""

    character_id: int
    location_id: int | None
    faction_id: int | None


def designer_quest_takers(
    *, offers: Iterable[OfferFacts], idle: Iterable[IdleFacts], seed: int, tick: int, limit: int
) -> list[tuple[int, int]]:
    """(quest id, NPC id) pairs: an idle NPC at a quest's giver's side, of the quest's faction,
    takes it up, as a player would (the giver must be here). At most `limit`, one quest per
    NPC, one NPC per quest; who among several is drawn from a generator seeded by the world
    seed, the tick and the quest."""
    free = sorted(idle, key=lambda c: c.character_id)
    taken: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for offer in sorted(offers, key=lambda o: o.quest_id):
        if len(pairs) >= limit:
            break
        if offer.giver_location_id is None:
            continue
        here = [
            c.character_id
            for c in free
            if c.location_id == offer.giver_location_id
            and c.character_id not in taken
            and c.character_id != offer.giver_id
            and c.character_id not in offer.tried_by
            and (offer.faction_id is None or c.faction_id == offer.faction_id)
        ]
        if not here:
            continue
        chosen = random.Random(f"{seed}:{tick}:designer:{offer.quest_id}").choice(here)
        taken.add(chosen)
        pairs.append((offer.quest_id, chosen))
    return pairs
