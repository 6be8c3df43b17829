"""Perception: what each character can see, loaded in bulk.

`world_snapshot_load` reads the world as it stands at the start of a tick in a constant
number of queries (places, paths, objects lying about, who is where, what just happened);
`character_states_load` reads one batch of characters in one query; `perceive` is then pure.
Every character decides on the same tick-start snapshot, so decisions do not depend on the
order or size of batches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Q, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import RowNumber

from world.autonomy.intentions import resolve_heading
from world.autonomy.state import (
    CharacterState,
    EventSeen,
    Exit,
    Heading,
    Intention,
    Neighbour,
    ObjectSeen,
    Perception,
    Regard,
)
from world.models import TALK_EVENT_TYPES, Character, GameEvent, Location, Path, WorldObject
from world.sql import rows as sql_rows

OTHERS_SEEN = 12  # a character notices at most this many others at a crowded place
EVENTS_SEEN = 8  # and this many of the place's latest events
AUTONOMOUS_KINDS = (Character.Kind.NPC, Character.Kind.SPECTRA)
ACTIVITY_WINDOW_TICKS = 2  # "recent" events: this tick's start and the two ticks before
GREET_AFTER_TICKS = 48  # not spoken with for a day (48 half-hours): worth a greeting
# What makes a stir next door: voices, clashes, things changing hands, players; not comings,
# goings and rest.
STIRRING_SUFFIXES = ("_TALKED", "_SPOKE", "_CONFRONTED", "_OBJECT", "_CREATED", "_INTERACTED", "_EXPRESSED")

# Who stands how toward whom, between factions: {(faction, other): standing}. The world does
# not know factions' relations; narrative registers a loader (one query) in its ready().
StandingsLoader = Callable[..., Mapping[tuple[int, int], int]]  # (*, tick) -> standings
_standings_loaders: list[StandingsLoader] = []


def register_faction_standings(loader: StandingsLoader) -> StandingsLoader:
    if loader not in _standings_loaders:
        _standings_loaders.append(loader)
    return loader


@dataclass(frozen=True)
class WorldSnapshot:
    location_names: dict[int, str]
    exits: dict[int, tuple[Exit, ...]]
    objects: dict[int, tuple[ObjectSeen, ...]]
    occupants: dict[int, tuple[Neighbour, ...]]
    recent_events: dict[int, tuple[EventSeen, ...]]
    autonomous_ids: tuple[int, ...]
    moods: dict[int, str] = field(default_factory=dict)  # at tick start, so batches agree
    whereabouts: dict[int, int] = field(default_factory=dict)  # character → location
    object_places: dict[int, int] = field(default_factory=dict)  # object lying about → location
    routes: dict = field(default_factory=dict)  # (from, to) → first exit, filled as asked
    carried: dict[int, tuple[ObjectSeen, ...]] = field(default_factory=dict)  # holder → what it carries
    object_holders: dict[int, int] = field(default_factory=dict)  # object in someone's hands → holder
    activity: dict[int, int] = field(default_factory=dict)  # location → events there lately
    standings: dict[int, dict[int, int]] = field(default_factory=dict)  # faction → {other: standing}
    # Things picked up or handed over so far this tick (object id → mover id): a thing goes
    # to the first character (lowest id) that reaches for it, whatever the batch size.
    moved_objects: dict[int, int] = field(default_factory=dict)
    occupant_index: dict[int, dict[int, Neighbour]] = field(default_factory=dict)  # built as asked


def _object_seen(
    object_id: int, name: str, kind: str, properties: dict, slugs: Mapping[str, int], places: Mapping[str, int]
) -> ObjectSeen:
    """An object as characters see it: its owner and value, and what using it does (slugs
    in `properties.on_use` resolved to ids)."""
    properties = properties or {}
    on_use = properties.get("on_use") or {}
    effect = {}
    if isinstance(on_use, dict) and on_use.get("target") in slugs:
        effect = {
            "target_id": slugs[on_use["target"]],
            "at_id": places.get(on_use.get("at")),
            "sets": dict(on_use.get("sets") or {}),
            "says": str(on_use.get("says") or ""),
        }
    owner = properties.get("owner_id")
    value = properties.get("value", 0)
    return ObjectSeen(
        object_id,
        name,
        kind,
        owner_id=owner if isinstance(owner, int) and not isinstance(owner, bool) else None,
        value=float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0,
        fixed=bool(properties.get("fixed")),
        soothing=bool(properties.get("soothing")),
        on_use=effect,
    )


def world_snapshot_load(*, tick: int) -> WorldSnapshot:
    """The world at the start of `tick` (six queries, and one per standings loader, whatever
    its size)."""
    location_names: dict[int, str] = {}
    place_slugs: dict[str, int] = {}
    for location_id, name, slug in Location.objects.order_by("id").values_list("id", "name", "slug"):
        location_names[location_id] = name
        place_slugs[slug] = location_id

    # Exits in path id order, never the model's name ordering: the weighted exit choice and
    # the shortest-path tie-break read them in this order, and renaming a place must not
    # change where anyone goes.
    exits: dict[int, list[Exit]] = defaultdict(list)
    paths = Path.objects.order_by("id").values_list("source_id", "target_id", "travel_cost", "two_way")
    for source, target, cost, two_way in paths:
        exits[source].append(Exit(target, location_names[target], cost))
        if two_way:
            exits[target].append(Exit(source, location_names[source], cost))

    objects: dict[int, list[ObjectSeen]] = defaultdict(list)
    carried: dict[int, list[ObjectSeen]] = defaultdict(list)
    object_places: dict[int, int] = {}
    object_holders: dict[int, int] = {}
    rows = list(
        WorldObject.objects.filter(Q(location__isnull=False) | Q(holder__isnull=False))
        .order_by("id")
        .values_list("id", "slug", "location_id", "holder_id", "name", "kind", "properties")
    )
    object_slugs = {slug: object_id for object_id, slug, *_ in rows}
    for object_id, _slug, location_id, holder_id, name, kind, properties in rows:
        seen = _object_seen(object_id, name, kind, properties, object_slugs, place_slugs)
        if location_id is not None:
            objects[location_id].append(seen)
            object_places[object_id] = location_id
        else:
            carried[holder_id].append(seen)
            object_holders[object_id] = holder_id

    occupants: dict[int, list[Neighbour]] = defaultdict(list)
    autonomous: list[int] = []
    moods: dict[int, str] = {}
    whereabouts: dict[int, int] = {}
    present = (
        Character.objects.filter(is_active=True)
        .order_by("id")
        .annotate(mood=KeyTextTransform("mood", "emotional_state"))
    )
    for character_id, location_id, name, kind, faction_id, mood in present.values_list(
        "id", "location_id", "name", "kind", "faction_id", "mood"
    ):
        occupants[location_id].append(Neighbour(character_id, name, kind, faction_id, mood or "calm"))
        whereabouts[character_id] = location_id
        if kind in AUTONOMOUS_KINDS:
            autonomous.append(character_id)
            moods[character_id] = mood or "calm"

    latest = (
        GameEvent.objects.filter(location__isnull=False, tick__gte=max(0, tick - ACTIVITY_WINDOW_TICKS))
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("location_id")], order_by=F("id").desc()),
            target=KeyTextTransform("target_id", "payload"),
            listener=KeyTextTransform("listener_id", "payload"),
        )
        .filter(rank__lte=EVENTS_SEEN * 2)
        .order_by("location_id", "-id")
        .values_list("location_id", "type", "actor_id", "target", "listener")
    )
    recent: dict[int, list[EventSeen]] = defaultdict(list)
    activity: dict[int, int] = defaultdict(int)
    for location_id, event_type, actor_id, target, listener in latest:
        if event_type.endswith(STIRRING_SUFFIXES):
            activity[location_id] += 1  # how stirred a place is, seen from next door
        if len(recent[location_id]) < EVENTS_SEEN:
            recent[location_id].append(EventSeen(event_type, actor_id, _as_id(target or listener)))

    standings: dict[int, dict[int, int]] = defaultdict(dict)
    for loader in _standings_loaders:
        for (faction_id, other_id), standing in loader(tick=tick).items():
            standings[faction_id][other_id] = standing

    return WorldSnapshot(
        location_names=location_names,
        exits={key: tuple(value) for key, value in exits.items()},
        objects={key: tuple(value) for key, value in objects.items()},
        occupants={key: tuple(value) for key, value in occupants.items()},
        recent_events={key: tuple(value) for key, value in recent.items()},
        autonomous_ids=tuple(autonomous),
        moods=moods,
        whereabouts=whereabouts,
        object_places=object_places,
        carried={key: tuple(value) for key, value in carried.items()},
        object_holders=object_holders,
        activity=dict(activity),
        standings=dict(standings),
    )


def _as_id(value) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def recent_talks_load(pairs: Iterable[tuple[int, int]], *, tick: int) -> dict[int, frozenset[int]]:
    """Of these (speaker, listener) pairs, those who spoke in the last `GREET_AFTER_TICKS`:
    {speaker: listeners} (one query; none for no pairs).

    Only the pairs a greeting turns on are asked (`reactions.greeting_candidates`): at
    10,000 NPCs a day of talk is over a million events, some 25 a character a tick, and
    reading each batch's whole day grew the tick until the day was full. A pair is one probe
    of the partial index `event_talk_pair` on PostgreSQL."""
    wanted = sorted(set(pairs))
    if not wanted:
        return {}
    since = max(0, tick - GREET_AFTER_TICKS)
    if connection.vendor == "postgresql":
        speakers, listeners = [a for a, _ in wanted], [str(b) for _, b in wanted]
        found = sql_rows(_TALK_PAIRS_SQL, [speakers, listeners, *TALK_EVENT_TYPES, since])
    else:  # the embedded world: a handful of characters, no index to aim at
        asked = {speaker for speaker, _ in wanted}
        found = (
            GameEvent.objects.filter(type__in=TALK_EVENT_TYPES, actor_id__in=asked, tick__gte=since)
            .annotate(listener=KeyTextTransform("listener_id", "payload"))
            .values_list("actor_id", "listener")
            .order_by()
            .distinct()
        )
    asked_pairs = set(wanted)
    spoke: dict[int, set[int]] = defaultdict(set)
    for actor_id, listener in found:
        listener_id = _as_id(listener)
        if (actor_id, listener_id) in asked_pairs:
            spoke[actor_id].add(listener_id)
    return {actor_id: frozenset(listeners) for actor_id, listeners in spoke.items()}


# The expression and condition are the index's own (`GameEvent.Meta.indexes`, event_talk_pair),
# so the planner probes it once a pair.
_TALK_PAIRS_SQL = f"""
    SELECT DISTINCT e.actor_id, (e.payload ->> 'listener_id')
    FROM unnest(%s::bigint[], %s::text[]) AS pair(actor, listener)
    JOIN {GameEvent._meta.db_table} e
      ON e.actor_id = pair.actor AND (e.payload ->> 'listener_id') = pair.listener
    WHERE e.type IN ({", ".join("%s" for _ in TALK_EVENT_TYPES)}) AND e.tick >= %s
"""


def character_states_load(
    ids: list[int],
    *,
    moods: dict[int, str],
    intentions: Mapping[int, tuple[Intention, ...]] | None = None,
    carried: Mapping[int, tuple[ObjectSeen, ...]] | None = None,
    regards: Mapping[int, Mapping[int, Regard]] | None = None,
) -> list[CharacterState]:
    """The full state of a batch of characters (one query); moods and what they carry as at
    tick start, the intentions other apps gave them (`world.autonomy.intentions`) and what
    they think of others (`world.autonomy.regard`)."""
    intentions = intentions or {}
    carried = carried or {}
    regards = regards or {}
    rows = Character.objects.filter(id__any=ids).order_by("id")
    fields = ("id", "name", "kind", "location_id", "faction_id", "energy", "needs", "personality", "goals")
    return [
        CharacterState(
            id=row.id,
            name=row.name,
            kind=row.kind,
            location_id=row.location_id,
            faction_id=row.faction_id,
            energy=row.energy,
            needs=dict(row.needs or {}),
            personality=dict(row.personality or {}),
            goals=tuple(str(goal) for goal in (row.goals or []) if goal),
            mood=moods.get(row.id, "calm"),
            intentions=intentions.get(row.id, ()),
            carried=carried.get(row.id, ()),
            regard=dict(regards.get(row.id, {})),
        )
        for row in rows.values_list(*fields, named=True)  # rows, not models: cheaper to build
    ]


def perceive(
    me: CharacterState,
    snapshot: WorldSnapshot,
    *,
    hour: int,
    tick: int,
    talked_recently: frozenset[int] = frozenset(),
) -> Perception:
    """What `me` sees in the snapshot (pure). A crowd costs the same to look at as a handful."""
    here = snapshot.occupants.get(me.location_id, ())
    heading = None
    if me.intentions:
        heading = resolve_heading(
            intentions=me.intentions,
            here=me.location_id,
            exits=snapshot.exits,
            whereabouts=snapshot.whereabouts,
            object_places=snapshot.object_places,
            routes=snapshot.routes,
            carried=frozenset(thing.id for thing in me.carried),
            object_holders=snapshot.object_holders,
        )
    if len(here) > OTHERS_SEEN + 1:
        # A crowd: notice a different handful each tick, the same handful for the same tick,
        # and always the one being sought; a window of the crowd, never a scan of all of it.
        start = (tick * 7 + me.id) % len(here)
        window = [here[(start + step) % len(here)] for step in range(OTHERS_SEEN + 1)]
        sought = [] if heading is None or heading.partner_id is None else [heading.partner_id]
        partner = [snapshot_neighbour(snapshot, me.location_id, sought[0])] if sought else []
        partner = [p for p in partner if p is not None]
        others = partner + [o for o in window if o.id != me.id and o.id not in sought]
        others = others[:OTHERS_SEEN]
    else:
        others = [other for other in here if other.id != me.id]
    exits = snapshot.exits.get(me.location_id, ())
    standings = snapshot.standings.get(me.faction_id, {}) if me.faction_id is not None else {}
    return Perception(
        me=me,
        location_name=snapshot.location_names.get(me.location_id, ""),
        others_here=tuple(others),
        objects_here=snapshot.objects.get(me.location_id, ()),
        held_for_me=_held_for_me(heading, snapshot),
        exits=exits,
        recent_events=snapshot.recent_events.get(me.location_id, ()),
        hour=hour,
        heading=heading,
        nearby_activity={way.location_id: snapshot.activity.get(way.location_id, 0) for way in exits},
        standings=standings,
        known_elsewhere=_known_elsewhere(me, snapshot),
        talked_recently=talked_recently,
    )


def _held_for_me(heading: Heading | None, snapshot: WorldSnapshot) -> tuple[ObjectSeen, ...]:
    """The thing `me` came to use in the hands of the one beside it (`intentions.staged`)."""
    if heading is None or heading.object_id is None or heading.partner_id is None:
        return ()
    if snapshot.object_holders.get(heading.object_id) != heading.partner_id:
        return ()
    held = snapshot.carried.get(heading.partner_id, ())
    return tuple(thing for thing in held if thing.id == heading.object_id)


KNOWN_TALKED_OF = 8  # of the people it knows who are elsewhere, talk may turn to the best known of them
KNOWN_AT_LEAST = 0.05  # familiarity from which someone is known well enough to talk of (heard of)


def _known_elsewhere(me: CharacterState, snapshot: WorldSnapshot) -> tuple[Neighbour, ...]:
    """The few people `me` knows best who stand elsewhere at tick start (best known first)."""
    known = sorted(
        (other for other, regard in me.regard.items() if regard.familiarity >= KNOWN_AT_LEAST and other != me.id),
        key=lambda other: (-me.regard[other].familiarity, other),
    )
    found = []
    for other in known:
        place = snapshot.whereabouts.get(other)
        if place is None or place == me.location_id:
            continue
        neighbour = snapshot_neighbour(snapshot, place, other)
        if neighbour is not None:
            found.append(neighbour)
            if len(found) == KNOWN_TALKED_OF:
                break
    return tuple(found)


def snapshot_neighbour(snapshot: WorldSnapshot, location_id: int, character_id: int) -> Neighbour | None:
    """The one sought at a crowded place, found through an index built once per place."""
    index = snapshot.occupant_index.get(location_id)
    if index is None:
        index = {other.id: other for other in snapshot.occupants.get(location_id, ())}
        snapshot.occupant_index[location_id] = index
    return index.get(character_id)
