"""Perception: what each character can see, loaded in bulk.

`world_snapshot_load` reads the world as it stands at the start of a tick in a constant
number of queries (places, paths, objects lying about, who is where, what just happened);
`character_states_load` reads one batch of characters in one query; `perceive` is then pure.
Every character decides on the same tick-start snapshot, so decisions do not depend on the
order or size of batches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import F, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import RowNumber

from world.autonomy.intentions import resolve_heading
from world.autonomy.state import (
    CharacterState,
    EventSeen,
    Exit,
    Intention,
    Neighbour,
    ObjectSeen,
    Perception,
    Regard,
)
from world.models import Character, GameEvent, Location, Path, WorldObject

OTHERS_SEEN = 12  # a character notices at most this many others at a crowded place
EVENTS_SEEN = 8  # and this many of the place's latest events
AUTONOMOUS_KINDS = (Character.Kind.NPC, Character.Kind.SPECTRA)


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


def world_snapshot_load(*, tick: int) -> WorldSnapshot:
    """The world at the start of `tick` (five queries, whatever its size)."""
    location_names = dict(Location.objects.values_list("id", "name"))

    exits: dict[int, list[Exit]] = defaultdict(list)
    for source, target, cost, two_way in Path.objects.values_list("source_id", "target_id", "travel_cost", "two_way"):
        exits[source].append(Exit(target, location_names[target], cost))
        if two_way:
            exits[target].append(Exit(source, location_names[source], cost))

    objects: dict[int, list[ObjectSeen]] = defaultdict(list)
    lying = WorldObject.objects.filter(location__isnull=False).order_by("id")
    object_places: dict[int, int] = {}
    for object_id, location_id, name, kind in lying.values_list("id", "location_id", "name", "kind"):
        objects[location_id].append(ObjectSeen(object_id, name, kind))
        object_places[object_id] = location_id

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
        occupants[location_id].append(Neighbour(character_id, name, kind, faction_id))
        whereabouts[character_id] = location_id
        if kind in AUTONOMOUS_KINDS:
            autonomous.append(character_id)
            moods[character_id] = mood or "calm"

    latest = (
        GameEvent.objects.filter(location__isnull=False, tick__gte=max(0, tick - 2))
        .annotate(rank=Window(RowNumber(), partition_by=[F("location_id")], order_by=F("id").desc()))
        .filter(rank__lte=EVENTS_SEEN)
        .values_list("location_id", "type", "actor_id")
    )
    recent: dict[int, list[EventSeen]] = defaultdict(list)
    for location_id, event_type, actor_id in latest:
        recent[location_id].append(EventSeen(event_type, actor_id))

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
    )


def character_states_load(
    ids: list[int],
    *,
    moods: dict[int, str],
    intentions: Mapping[int, tuple[Intention, ...]] | None = None,
    regards: Mapping[int, Mapping[int, Regard]] | None = None,
) -> list[CharacterState]:
    """The full state of a batch of characters (one query); moods as at tick start, the
    intentions other apps gave them (`world.autonomy.intentions`) and what they think of
    others (`world.autonomy.regard`)."""
    intentions = intentions or {}
    regards = regards or {}
    rows = Character.objects.filter(id__in=ids).order_by("id")
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
            regard=dict(regards.get(row.id, {})),
        )
        for row in rows.only(
            "id", "name", "kind", "location_id", "faction_id", "energy", "needs", "personality", "goals"
        )
    ]


def perceive(me: CharacterState, snapshot: WorldSnapshot, *, hour: int, tick: int) -> Perception:
    """What `me` sees in the snapshot (pure)."""
    here = snapshot.occupants.get(me.location_id, ())
    others = [other for other in here if other.id != me.id]
    heading = None
    if me.intentions:
        heading = resolve_heading(
            intentions=me.intentions,
            here=me.location_id,
            exits=snapshot.exits,
            whereabouts=snapshot.whereabouts,
            object_places=snapshot.object_places,
            routes=snapshot.routes,
        )
    if len(others) > OTHERS_SEEN:
        # A crowd: notice a different handful each tick, the same handful for the same tick,
        # and always the one being sought.
        start = (tick * 7 + me.id) % len(others)
        sought = [other for other in others if heading and other.id == heading.partner_id]
        others = sought + [o for o in (others + others)[start : start + OTHERS_SEEN] if o not in sought]
        others = others[:OTHERS_SEEN]
    return Perception(
        me=me,
        location_name=snapshot.location_names.get(me.location_id, ""),
        others_here=tuple(others),
        objects_here=snapshot.objects.get(me.location_id, ()),
        exits=snapshot.exits.get(me.location_id, ()),
        recent_events=snapshot.recent_events.get(me.location_id, ()),
        hour=hour,
        heading=heading,
    )
