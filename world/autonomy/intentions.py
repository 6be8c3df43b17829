"""Intentions: where other apps want a character to go and whom to seek, without the world
importing them. A source is registered in an app's `ready()`:

    register_intention_source(quest_intentions)

and is called once per tick batch with the batch's character ids, the tick and its in-world
time (so no source reads the clock again per batch); it returns
`{character_id: [Intention, ...]}` in a constant number of queries. Sources must read only
what stood at the start of the tick (nothing written by earlier batches of the same tick),
so that batch size and order still do not change the world.

`resolve_heading` (pure) then turns a character's intentions into a `Heading`: the strongest
one whose target can be reached, with the next step of the shortest path there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from world.autonomy.state import Exit, Heading, Intention
from world.routes import shortest_routes

IntentionSource = Callable[..., Mapping[int, Iterable[Intention]]]
_sources: list[IntentionSource] = []


def register_intention_source(source: IntentionSource) -> IntentionSource:
    if source not in _sources:
        _sources.append(source)
    return source


def intentions_load(character_ids: list[int], *, tick: int, world_time: datetime) -> dict[int, tuple[Intention, ...]]:
    """Every registered source's intentions for these characters, strongest first (among
    equals, in the order the sources gave them: a quest taken earlier comes first)."""
    gathered: dict[int, list[Intention]] = {}
    for source in _sources:
        for character_id, intentions in source(character_ids=character_ids, tick=tick, world_time=world_time).items():
            gathered.setdefault(character_id, []).extend(intentions)
    return {character_id: tuple(sorted(found, key=lambda i: -i.weight)) for character_id, found in gathered.items()}


def next_hop(
    exits: Mapping[int, tuple[Exit, ...]], start: int, goal: int, cache: dict[tuple[int, int], Exit | None]
) -> Exit | None:
    """The first exit on a shortest path (fewest paths) from `start` to `goal`; None when
    `goal` cannot be reached or is `start`. Breadth-first, exits in their listed order, so
    the same map gives the same way."""
    key = (start, goal)
    if key not in cache:
        route = shortest_routes(start, exits, destination=_exit_destination, goal=goal).get(goal)
        cache[key] = route.first if route is not None else None
    return cache[key]


def _exit_destination(way: Exit) -> int:
    return way.location_id


def staged(
    intention: Intention,
    *,
    carried: frozenset[int],
    object_places: Mapping[int, int],
    object_holders: Mapping[int, int] | None = None,
) -> Intention | None:
    """The step of an intention to take now, given what the character carries: to use a
    thing at a place or give it to someone, first fetch it (a `take` of it where it lies),
    then carry it there. A thing in another's hands, to be used anywhere, is used beside its
    holder (seek them out; it never leaves their hands). None when it cannot be done (in
    another's hands but wanted at a place, or gone)."""
    verb, thing = intention.verb, intention.object_id
    if verb not in ("use", "give") or thing is None or thing in carried:
        if verb == "take" and thing is not None and thing not in object_places:
            return None  # nothing lying about to take
        return intention
    lies_at = object_places.get(thing)
    if lies_at is None:
        holder = (object_holders or {}).get(thing)
        if verb == "use" and intention.location_id is None and holder is not None:
            return replace(intention, character_id=holder)
        return None
    if verb == "use" and intention.location_id in (None, lies_at):
        return replace(intention, location_id=lies_at)  # used where it lies
    return replace(intention, verb="take", location_id=None, character_id=None)


def resolve_heading(
    *,
    intentions: Iterable[Intention],
    here: int,
    exits: Mapping[int, tuple[Exit, ...]],
    whereabouts: Mapping[int, int],
    object_places: Mapping[int, int],
    routes: dict[tuple[int, int], Exit | None],
    carried: frozenset[int] = frozenset(),
    object_holders: Mapping[int, int] | None = None,
) -> Heading | None:
    """The strongest intention that can be followed from `here` (intentions come strongest
    first), or None. A carried object is no place to go: the place or person is. An `avoid`
    intention is followed only where its target is: out by the first exit."""
    for wanted in intentions:
        intention = staged(wanted, carried=carried, object_places=object_places, object_holders=object_holders)
        if intention is None:
            continue
        target = intention.location_id
        if target is None and intention.character_id is not None:
            target = whereabouts.get(intention.character_id)
        if target is None and intention.object_id is not None and intention.object_id not in carried:
            target = object_places.get(intention.object_id)
        if target is None:
            continue
        if intention.avoid:
            if target != here:
                continue  # nothing to flee from here
            way = next((e for e in exits.get(here, ()) if e.location_id != target), None)
            if way is not None:
                return Heading(intention.reason, intention.weight, way.location_id, way.name)
            continue
        common = {"verb": intention.verb, "goal_id": intention.goal_id}
        if target == here:
            partner = intention.character_id if whereabouts.get(intention.character_id) == here else None
            thing = intention.object_id
            in_reach = thing in carried or object_places.get(thing) == here
            if not (in_reach or (partner is not None and (object_holders or {}).get(thing) == partner)):
                thing = None
            return Heading(intention.reason, intention.weight, partner_id=partner, object_id=thing, **common)
        way = next_hop(exits, here, target, routes)
        if way is not None:
            return Heading(intention.reason, intention.weight, way.location_id, way.name, **common)
    return None
