"""Selectors of the world app: functions that read world state.

The surroundings and event selectors return plain JSON-ready dicts (ISO 8601 strings for
datetimes) so the REST views and the WebSocket fan-out send exactly the same shapes.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import reduce

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from world.environment import effective_environment
from world.models import Character, GameEvent, Location, Path, WorldClock, WorldObject


def starting_location_get() -> Location | None:
    """Where new players start: the flagged location, else none."""
    return Location.objects.filter(is_starting_location=True).first()


def player_character_get(*, user) -> Character | None:
    return Character.objects.select_related("location", "faction").filter(user=user, kind=Character.Kind.PLAYER).first()


def world_is_empty() -> bool:
    """True before the world has been seeded: no locations at all."""
    return not Location.objects.exists()


def world_overview() -> dict:
    """Headline numbers of the world, for the landing page (a constant number of queries)."""
    from django.db.models import Count, Q

    from world.models import WorldClock

    counts = Character.objects.aggregate(
        npcs=Count("id", filter=Q(kind=Character.Kind.NPC)),
        players=Count("id", filter=Q(kind=Character.Kind.PLAYER)),
    )
    return {
        "clock": WorldClock.objects.first(),
        "locations": Location.objects.count(),
        "npcs": counts["npcs"],
        "players": counts["players"],
    }


# --- Surroundings -------------------------------------------------------------------------

_EVENT_FIELDS = ("id", "type", "tick", "timestamp", "actor_id", "location_id", "payload")

# Spectra first, then players, then NPCs: who a player most wants to see in a crowd.
_KIND_RANK = Case(
    When(kind=Character.Kind.SPECTRA, then=Value(0)),
    When(kind=Character.Kind.PLAYER, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 the way DRF renders datetimes ("Z" for UTC), so REST and WebSocket agree."""
    if moment is None:
        return None
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _event_dict(row: dict) -> dict:
    return {**row, "timestamp": _iso(row["timestamp"])}


def _mood(emotional_state) -> str:
    mood = emotional_state.get("mood") if isinstance(emotional_state, dict) else None
    return mood if isinstance(mood, str) and mood else "calm"


def locations_surroundings(
    *, location_ids: Iterable[int], characters_limit: int = 50, events_limit: int = 20
) -> dict[int, dict]:
    """What can be perceived at each location: the place, who is there, what lies there,
    where one can go, and the latest events. Keyed by location id; unknown ids are left out.

    Five queries however many locations, characters or events (none for no ids): the tick
    calls this once for every occupied location. `characters` lists active characters only,
    Spectra first, then players, then NPCs, each by name, at most `characters_limit`;
    `population` counts all of them, past the cap. `events` are the latest `events_limit`
    at the location, oldest first.
    """
    if characters_limit < 1 or events_limit < 1:
        raise ValueError("characters_limit and events_limit must be at least 1.")
    ids = set(location_ids)
    if not ids:
        return {}

    result: dict[int, dict] = {}
    # Each location's `events_limit`-th latest event id, read backwards along the
    # (location, id) index: it lets the events query below skip older events (see there).
    events_floor = Subquery(
        GameEvent.objects.filter(location_id=OuterRef("id"))
        .order_by("-id")
        .values("id")[events_limit - 1 : events_limit]
    )
    floors: dict[int, int | None] = {}
    for row in (
        Location.objects.filter(id__in=ids)
        .annotate(events_floor=events_floor)
        .values(
            "id",
            "slug",
            "name",
            "description",
            "region",
            "map_x",
            "map_y",
            "light",
            "color",
            "sound",
            "resonance",
            "events_floor",
        )
    ):
        floors[row["id"]] = row["events_floor"]
        result[row["id"]] = {
            "location": {
                "id": row["id"],
                "slug": row["slug"],
                "name": row["name"],
                "description": row["description"],
                "region": row["region"],
                "map": {"x": row["map_x"], "y": row["map_y"]},
                "environment": effective_environment(
                    light=row["light"], color=row["color"], sound=row["sound"], resonance=row["resonance"]
                ),
            },
            "characters": [],
            "population": 0,
            "objects": [],
            "exits": [],
            "events": [],
        }
    if not result:
        return {}
    ids = set(result)

    # One query caps every location's list: ROW_NUMBER() per location, filtered in an outer
    # query; COUNT() over the same partition is taken before the cap, so it is the population.
    by_location = [F("location_id")]
    characters = (
        Character.objects.filter(location_id__in=ids, is_active=True)
        .annotate(
            row_number=Window(
                RowNumber(),
                partition_by=by_location,
                order_by=[_KIND_RANK.asc(), F("name").asc(), F("id").asc()],
            ),
            population=Window(Count("id"), partition_by=by_location),
        )
        .filter(row_number__lte=characters_limit)
        .order_by("location_id", "row_number")
        .values(
            "id",
            "name",
            "kind",
            "location_id",
            "emotional_state",
            "population",
            "faction_id",
            "faction__slug",
            "faction__name",
        )
    )
    for row in characters:
        surroundings = result[row["location_id"]]
        surroundings["population"] = row["population"]
        faction = (
            {"id": row["faction_id"], "slug": row["faction__slug"], "name": row["faction__name"]}
            if row["faction_id"] is not None
            else None
        )
        surroundings["characters"].append(
            {
                "id": row["id"],
                "name": row["name"],
                "kind": row["kind"],
                "faction": faction,
                "mood": _mood(row["emotional_state"]),
            }
        )

    for row in (
        WorldObject.objects.filter(location_id__in=ids)
        .order_by("name", "id")
        .values("id", "slug", "name", "kind", "description", "location_id")
    ):
        location_id = row.pop("location_id")
        result[location_id]["objects"].append(row)

    _exits_add(result)

    events = (
        GameEvent.objects.filter(_latest_events_condition(floors))
        .annotate(
            row_number=Window(RowNumber(), partition_by=[F("location_id")], order_by=F("id").desc()),
        )
        .filter(row_number__lte=events_limit)
        .order_by("location_id", "id")
        .values(*_EVENT_FIELDS)
    )
    for row in events:
        result[row["location_id"]]["events"].append(_event_dict(row))
    return result


# Ranges in the latest-events condition, at most: SQLite refuses expressions nested deeper
# than 1,000, and a chain of ORs nests one level per term.
_EVENT_RANGES_MAX = 100


def _latest_events_condition(floors: dict[int, int | None]) -> Q:
    """Which events the latest-events query reads: at each location, those from its floor
    (its `events_limit`-th latest id) on, so the cost follows the limit, not the log's size;
    all of them where there are fewer (no floor).

    Past `_EVENT_RANGES_MAX` locations, neighbouring floors share one range starting at the
    lowest of them: more rows are read, never fewer, and ROW_NUMBER() still caps each location.
    """
    unfloored = [location_id for location_id, floor in floors.items() if floor is None]
    floored = sorted((floor, location_id) for location_id, floor in floors.items() if floor is not None)
    terms = [Q(location_id__in=unfloored)] if unfloored else []
    group_size = max(1, math.ceil(len(floored) / _EVENT_RANGES_MAX))
    for start in range(0, len(floored), group_size):
        group = floored[start : start + group_size]
        terms.append(Q(location_id__in=[location_id for _, location_id in group], id__gte=group[0][0]))
    return reduce(operator.or_, terms)


def _exits_add(result: dict[int, dict]) -> None:
    """Fill each location's exits in one query: paths leaving it, and two-way paths arriving
    at it (stored once, from the other end). Where two paths join the same pair of places,
    the cheaper walk is the exit."""
    ids = set(result)
    paths = (
        Path.objects.filter(Q(source_id__in=ids) | Q(target_id__in=ids, two_way=True))
        .order_by()
        .values(
            "source_id",
            "target_id",
            "two_way",
            "travel_cost",
            "description",
            "source__slug",
            "source__name",
            "target__slug",
            "target__name",
        )
    )
    exits: dict[int, dict[int, dict]] = {location_id: {} for location_id in ids}
    for row in paths:
        ends = [("source", "target")]
        if row["two_way"]:
            ends.append(("target", "source"))
        for here, there in ends:
            here_id = row[f"{here}_id"]
            if here_id not in exits:
                continue
            exit_ = {
                "id": row[f"{there}_id"],
                "slug": row[f"{there}__slug"],
                "name": row[f"{there}__name"],
                "travel_cost": row["travel_cost"],
                "description": row["description"],
            }
            known = exits[here_id].get(exit_["id"])
            if known is None or exit_["travel_cost"] < known["travel_cost"]:
                exits[here_id][exit_["id"]] = exit_
    for location_id, by_destination in exits.items():
        result[location_id]["exits"] = sorted(by_destination.values(), key=lambda e: (e["name"], e["id"]))


@dataclass(frozen=True)
class WorldNow:
    tick: int
    world_time: datetime


def world_now_get() -> WorldNow:
    """The world clock's tick and in-world time (before the clock exists: tick 0, real time)."""
    row = WorldClock.objects.filter(id=WorldClock.SINGLETON_ID).values_list("tick", "world_time").first()
    return WorldNow(tick=row[0], world_time=row[1]) if row else WorldNow(tick=0, world_time=timezone.now())


def world_tick_get() -> int | None:
    """The number of the last tick completed; None before the world clock exists."""
    return WorldClock.objects.filter(id=WorldClock.SINGLETON_ID).values_list("tick", flat=True).first()


def world_seed_get() -> int:
    """The world's seed: the clock's, the one source every seeded choice draws from (tick,
    dialogue, generated NPCs). `WORLD_SEED` is only the default a new clock starts with."""
    seed = WorldClock.objects.filter(id=WorldClock.SINGLETON_ID).values_list("seed", flat=True).first()
    return settings.WORLD_SEED if seed is None else seed


def player_surroundings(*, character: Character, characters_limit: int = 50) -> dict:
    """A player's view of where they stand: `locations_surroundings` for their location,
    without the player in `characters`, plus the clock's tick (None before the clock exists).
    Six queries."""
    # One more than the cap, so dropping the player still leaves a full list.
    surroundings = locations_surroundings(location_ids=[character.location_id], characters_limit=characters_limit + 1)[
        character.location_id
    ]
    others = [present for present in surroundings["characters"] if present["id"] != character.id]
    return {"tick": world_tick_get(), **surroundings, "characters": others[:characters_limit]}


# --- Time -----------------------------------------------------------------------------------

# (first hour, name), in order; each part of the day lasts until the next one starts.
_PARTS_OF_DAY = ((0, "night"), (5, "dawn"), (7, "morning"), (12, "afternoon"), (17, "evening"), (21, "night"))


def time_of_day(hour: int) -> str:
    """The part of the day an hour (0 to 23) falls in: night, dawn, morning, afternoon, evening."""
    if not 0 <= hour <= 23:
        raise ValueError(f"An hour is 0 to 23, not {hour}.")
    return next(name for start, name in reversed(_PARTS_OF_DAY) if hour >= start)


def world_time_get(*, now: datetime | None = None) -> dict | None:
    """The in-world date and time and when the next tick is due; None before the clock exists.

    In-world time is read in UTC, so it does not move with the server's time zone.
    """
    clock = WorldClock.objects.filter(id=WorldClock.SINGLETON_ID).first()
    if clock is None:
        return None
    world_time = clock.world_time.astimezone(UTC)
    if clock.paused:
        until_next = None
    elif clock.last_tick_at is None:
        until_next = float(clock.tick_interval_seconds)
    else:
        due = clock.last_tick_at + timedelta(seconds=clock.tick_interval_seconds)
        until_next = max(0.0, (due - (now or timezone.now())).total_seconds())
    return {
        "tick": clock.tick,
        "world_time": _iso(world_time),
        "date": world_time.strftime("%Y-%m-%d"),
        "time": world_time.strftime("%H:%M"),
        "time_of_day": time_of_day(world_time.hour),
        "day_of_year": world_time.timetuple().tm_yday,
        "paused": clock.paused,
        "tick_interval_seconds": clock.tick_interval_seconds,
        "time_scale": clock.time_scale,
        "seconds_until_next_tick": until_next,
    }


# --- Events ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventPage:
    events: list[dict]
    has_more: bool


def player_events_list(*, character: Character, after: int = 0, limit: int = 100) -> EventPage:
    """The events `character`'s player may see with id > `after`, oldest first, at most `limit`.

    Visible: events at the character's current location, world-wide events (no location),
    and the character's own. One query: `limit + 1` rows tell whether there is more.
    """
    visible = Q(location_id=character.location_id) | Q(location_id__isnull=True) | Q(actor_id=character.id)
    rows = list(GameEvent.objects.filter(visible, id__gt=after).order_by("id").values(*_EVENT_FIELDS)[: limit + 1])
    return EventPage(events=[_event_dict(row) for row in rows[:limit]], has_more=len(rows) > limit)
