"""Selectors of the world app: functions that read world state.

The surroundings and event selectors return plain JSON-ready dicts (ISO 8601 strings for
datetimes) so the REST views and the WebSocket fan-out send exactly the same shapes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from htrae.errors import DomainError
from world import sql
from world.environment import effective_environment
from world.models import Character, GameEvent, Location, PlayerActionReceipt, WorldClock


def starting_location_get() -> Location | None:
    """Where new players start: the flagged location, else none."""
    return Location.objects.filter(is_starting_location=True).first()


def player_character_get(*, user) -> Character | None:
    return Character.objects.select_related("location", "faction").filter(user=user, kind=Character.Kind.PLAYER).first()


def player_character_required(*, user) -> Character:
    """The account's player character; a 404 `no_character` for an account without one."""
    character = player_character_get(user=user)
    if character is None:
        raise _no_character()
    return character


def player_character_id_required(*, user) -> int:
    """The id of the account's player character (a 404 `no_character` without one): for the
    endpoints that only ask that the account plays, without reading the character (the
    character's row, its place and faction were a fifth of `/api/world/time`'s CPU; written by
    hand, as `world.sql` says why)."""
    return player_place_required(user=user)[0]


def player_place_required(*, user) -> tuple[int, int]:
    """(the account's player character's id, where it stands), by hand; a 404 `no_character`
    without one."""
    found = sql.rows(_PLAYER_PLACE_OF_USER_SQL, [user.pk, Character.Kind.PLAYER])
    if not found:
        raise _no_character()
    return found[0]


_PLAYER_PLACE_OF_USER_SQL = (
    "SELECT id, location_id FROM world_character WHERE user_id = %s AND kind = %s ORDER BY id LIMIT 1"
)


def _no_character() -> DomainError:
    return DomainError("This account has no player character.", code="no_character", status_code=404)


def world_is_empty() -> bool:
    """True before the world has been seeded: no locations at all."""
    return not Location.objects.exists()


def world_overview() -> dict:
    """Headline numbers of the world, for the landing page (a constant number of queries)."""
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


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 the way DRF renders datetimes ("Z" for UTC), so REST and WebSocket agree."""
    if moment is None:
        return None
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


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
    at the location, oldest first. `event_id` is the last id in the whole event log when it
    was read: a client that holds this view asks `GET /api/events?after=<event_id>` for what
    came after it.

    The queries are written in SQL (`_SURROUNDINGS_SQL`), not built with the ORM: every
    move and place refresh runs them, and building and compiling their window queries was
    most of the cost of a player's move in the web process. Values pass through the
    fields' own converters (`world.sql`), so they are what the ORM would give.
    """
    if characters_limit < 1 or events_limit < 1:
        raise ValueError("characters_limit and events_limit must be at least 1.")
    ids = sorted(set(location_ids))
    if not ids:
        return {}

    result: dict[int, dict] = {}
    floors: dict[int, int | None] = {}
    resonance = sql.converter(Location, "resonance")
    for row in sql.rows(_SURROUNDINGS_SQL["locations"].format(ids=sql.placeholders(ids)), [events_limit - 1, *ids]):
        row_id, slug, name, description, region, map_x, map_y, light, color, sound, resonance_value, floor, last = row
        floors[row_id] = floor
        result[row_id] = {
            "event_id": last or 0,
            "location": {
                "id": row_id,
                "slug": slug,
                "name": name,
                "description": description,
                "region": region,
                "map": {"x": map_x, "y": map_y},
                "environment": effective_environment(
                    light=light, color=color, sound=sound, resonance=resonance(resonance_value)
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
    ids = sorted(result)

    emotional_state = sql.converter(Character, "emotional_state")
    for row_id, name, kind, location_id, state, population, faction_id, faction_slug, faction_name in sql.rows(
        *_characters_query(ids, characters_limit)
    ):
        surroundings = result[location_id]
        surroundings["population"] = population
        faction = {"id": faction_id, "slug": faction_slug, "name": faction_name} if faction_id is not None else None
        surroundings["characters"].append(
            {"id": row_id, "name": name, "kind": kind, "faction": faction, "mood": _mood(emotional_state(state))}
        )

    for row_id, slug, name, kind, description, location_id in sql.rows(
        _SURROUNDINGS_SQL["objects"].format(ids=sql.placeholders(ids)), ids
    ):
        result[location_id]["objects"].append(
            {"id": row_id, "slug": slug, "name": name, "kind": kind, "description": description}
        )

    _exits_add(result)

    condition, params = _latest_events_condition(floors)
    for event in _event_dicts(
        sql.rows(_SURROUNDINGS_SQL["events"].format(condition=condition), [*params, events_limit])
    ):
        result[event["location_id"]]["events"].append(event)
    return result


def _event_dicts(rows: list[tuple]) -> list[dict]:
    """Events as clients get them, from rows of (id, type, tick, timestamp, actor id,
    location id, payload)."""
    timestamp, payload = sql.converter(GameEvent, "timestamp"), sql.converter(GameEvent, "payload")
    return [
        {
            "id": row_id,
            "type": type_,
            "tick": tick,
            "timestamp": _iso(timestamp(moment)),
            "actor_id": actor_id,
            "location_id": location_id,
            "payload": payload(event_payload),
        }
        for row_id, type_, tick, moment, actor_id, location_id, event_payload in rows
    ]


# The surroundings' queries (see `locations_surroundings`). Tables and columns are the
# models' (world_*, narrative_faction); `{ids}` is a list of placeholders.
_SURROUNDINGS_SQL = {
    # Each location's `events_limit`-th latest event id, read backwards along the
    # (location, id) index: it lets the events query skip older events. The log's last id
    # (the primary key's end, read once) is the frame's resync point.
    "locations": """
        SELECT l.id, l.slug, l.name, l.description, l.region, l.map_x, l.map_y, l.light, l.color, l.sound,
               l.resonance,
               (SELECT e.id FROM world_gameevent e WHERE e.location_id = l.id
                ORDER BY e.id DESC LIMIT 1 OFFSET %s) AS events_floor,
               (SELECT MAX(e.id) FROM world_gameevent e) AS last_event_id
        FROM world_location l
        WHERE l.id IN ({ids})
        ORDER BY l.name""",
    # Spectra first, then players, then NPCs: who a player most wants to see in a crowd.
    # SQLite: one query caps every location's list with ROW_NUMBER() per location, filtered in
    # an outer query; COUNT() over the same partition is taken before the cap, so it is the
    # population. It sorts a place's whole crowd.
    "characters": """
        SELECT id, name, kind, location_id, emotional_state, population, faction_id, faction_slug, faction_name
        FROM (
            SELECT c.id, c.name, c.kind, c.location_id, c.emotional_state, c.faction_id,
                   f.slug AS faction_slug, f.name AS faction_name,
                   ROW_NUMBER() OVER (
                       PARTITION BY c.location_id
                       ORDER BY CASE WHEN c.kind = %s THEN 0 WHEN c.kind = %s THEN 1 ELSE 2 END, c.name, c.id
                   ) AS row_number,
                   COUNT(c.id) OVER (PARTITION BY c.location_id) AS population
            FROM world_character c
            LEFT OUTER JOIN narrative_faction f ON f.id = c.faction_id
            WHERE c.is_active = %s AND c.location_id IN ({ids})
        ) ranked
        WHERE row_number <= %s
        ORDER BY location_id, row_number""",
    # PostgreSQL: for each place, the first of each kind by name straight off the index
    # character_place_kind_name (a crowd of 2,400 is read 50 rows deep, not sorted whole),
    # and its population counted beside.
    "characters_by_index": """
        SELECT x.id, x.name, x.kind, place.id, x.emotional_state, population.n, x.faction_id, f.slug, f.name
        FROM unnest(%s::bigint[]) AS place(id)
        CROSS JOIN LATERAL (
            SELECT count(*) AS n FROM world_character c WHERE c.location_id = place.id AND c.is_active
        ) population
        CROSS JOIN LATERAL (
            SELECT * FROM ({by_kind}) first_of_kinds
            ORDER BY rank, name, id
            LIMIT %s
        ) x
        LEFT OUTER JOIN narrative_faction f ON f.id = x.faction_id
        ORDER BY place.id, x.rank, x.name, x.id""",
    "first_of_kind": """(
            SELECT %s AS rank, c.id, c.name, c.kind, c.emotional_state, c.faction_id
            FROM world_character c
            WHERE c.location_id = place.id AND c.kind = %s AND c.is_active
            ORDER BY c.name, c.id
            LIMIT %s
        )""",
    "objects": """
        SELECT o.id, o.slug, o.name, o.kind, o.description, o.location_id
        FROM world_worldobject o
        WHERE o.location_id IN ({ids})
        ORDER BY o.name, o.id""",
    # Paths leaving a place, and two-way paths arriving at it (stored once, from the other end).
    "exits": """
        SELECT p.source_id, p.target_id, p.two_way, p.travel_cost, p.description,
               s.slug, s.name, t.slug, t.name
        FROM world_path p
        JOIN world_location s ON s.id = p.source_id
        JOIN world_location t ON t.id = p.target_id
        WHERE p.source_id IN ({ids}) OR (p.target_id IN ({ids}) AND p.two_way = %s)""",
    "events": """
        SELECT id, "type", tick, "timestamp", actor_id, location_id, payload
        FROM (
            SELECT e.id, e."type", e.tick, e."timestamp", e.actor_id, e.location_id, e.payload,
                   ROW_NUMBER() OVER (PARTITION BY e.location_id ORDER BY e.id DESC) AS row_number
            FROM world_gameevent e
            WHERE {condition}
        ) latest
        WHERE row_number <= %s
        ORDER BY location_id, id""",
}


# Ranges in the latest-events condition, at most: SQLite refuses expressions nested deeper
# than 1,000, and a chain of ORs nests one level per term.
_EVENT_RANGES_MAX = 100


def _latest_events_condition(floors: dict[int, int | None]) -> tuple[str, list]:
    """Which events the latest-events query reads (SQL and its parameters): at each location,
    those from its floor (its `events_limit`-th latest id) on, so the cost follows the limit,
    not the log's size; all of them where there are fewer (no floor).

    Past `_EVENT_RANGES_MAX` locations, neighbouring floors share one range starting at the
    lowest of them: more rows are read, never fewer, and ROW_NUMBER() still caps each location.
    """
    unfloored = [location_id for location_id, floor in floors.items() if floor is None]
    floored = sorted((floor, location_id) for location_id, floor in floors.items() if floor is not None)
    terms: list[str] = []
    params: list = []
    if unfloored:
        terms.append(f"e.location_id IN ({sql.placeholders(unfloored)})")
        params += unfloored
    group_size = max(1, math.ceil(len(floored) / _EVENT_RANGES_MAX))
    for start in range(0, len(floored), group_size):
        group = floored[start : start + group_size]
        terms.append(f"(e.location_id IN ({sql.placeholders(group)}) AND e.id >= %s)")
        params += [location_id for _, location_id in group]
        params.append(group[0][0])
    return " OR ".join(terms), params


def _exits_add(result: dict[int, dict]) -> None:
    """Fill each location's exits in one query. Where two paths join the same pair of
    places, the cheaper walk is the exit."""
    ids = sorted(result)
    exits: dict[int, dict[int, dict]] = {location_id: {} for location_id in ids}
    for source_id, target_id, two_way, travel_cost, description, *names in sql.rows(
        _SURROUNDINGS_SQL["exits"].format(ids=sql.placeholders(ids)), [*ids, *ids, True]
    ):
        source_slug, source_name, target_slug, target_name = names
        ends = [(source_id, target_id, target_slug, target_name)]
        if two_way:
            ends.append((target_id, source_id, source_slug, source_name))
        for here_id, there_id, slug, name in ends:
            if here_id not in exits:
                continue
            known = exits[here_id].get(there_id)
            if known is None or travel_cost < known["travel_cost"]:
                exits[here_id][there_id] = {
                    "id": there_id,
                    "slug": slug,
                    "name": name,
                    "travel_cost": travel_cost,
                    "description": description,
                }
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


_ACTION_RECEIPT_AND_TICK_SQL = """
    SELECT (SELECT r.reply FROM world_playeractionreceipt r WHERE r.character_id = %s AND r.request_id = %s),
           (SELECT w.tick FROM world_worldclock w WHERE w.id = %s)"""


def player_action_receipt_and_tick(*, character_id: int, request_id: str) -> tuple[dict | None, int]:
    """For a player's action: the reply already given to this request id (None if it is new),
    and the clock's tick (0 before the clock exists), in one query."""
    reply, tick = sql.rows(_ACTION_RECEIPT_AND_TICK_SQL, [character_id, request_id, WorldClock.SINGLETON_ID])[0]
    return sql.converter(PlayerActionReceipt, "reply")(reply), tick or 0


def world_seed_get() -> int:
    """The world's seed: the clock's, the one source every seeded choice draws from (tick,
    dialogue, generated NPCs). `WORLD_SEED` is only the default a new clock starts with."""
    seed = WorldClock.objects.filter(id=WorldClock.SINGLETON_ID).values_list("seed", flat=True).first()
    return settings.WORLD_SEED if seed is None else seed


# Who comes first at a place: Spectra, then players, then NPCs.
_KINDS_FIRST = (Character.Kind.SPECTRA, Character.Kind.PLAYER, Character.Kind.NPC)
_CHARACTERS_BY_INDEX_SQL = _SURROUNDINGS_SQL["characters_by_index"].format(
    by_kind=" UNION ALL ".join(_SURROUNDINGS_SQL["first_of_kind"] for _ in _KINDS_FIRST)
)


def _characters_query(location_ids: list[int], limit: int) -> tuple[str, list]:
    """The SQL and parameters of the first `limit` active characters of each place (rows of
    id, name, kind, location id, emotional state, population, faction id, slug, name)."""
    if connection.vendor == "postgresql":
        by_kind = [value for rank, kind in enumerate(_KINDS_FIRST) for value in (rank, kind, limit)]
        return _CHARACTERS_BY_INDEX_SQL, [location_ids, *by_kind, limit]
    sql_text = _SURROUNDINGS_SQL["characters"].format(ids=sql.placeholders(location_ids))
    return sql_text, [Character.Kind.SPECTRA, Character.Kind.PLAYER, True, *location_ids, limit]


# Where the player stands and the clock's tick, in one query.
_PLAYER_PLACE_SQL = """
    SELECT c.location_id, (SELECT w.tick FROM world_worldclock w WHERE w.id = %s) AS tick
    FROM world_character c
    WHERE c.id = %s"""


def player_view_get(*, character_id: int, characters_limit: int = 50) -> dict:
    """A player's view of where they stand, the `world_update` shape (docs/websocket.md):
    `locations_surroundings` for their location (the player among its `characters`, as
    everyone there sees them), plus the clock's tick (None before the clock exists). Sent on
    connecting and after each move, and `GET /api/world/state`. Six queries, and no
    serializer: this runs for every move. Raises Character.DoesNotExist if the character is
    gone."""
    found = sql.rows(_PLAYER_PLACE_SQL, [WorldClock.SINGLETON_ID, character_id])
    if not found:
        raise Character.DoesNotExist(f"No character {character_id}.")
    location_id, tick = found[0]
    surroundings = locations_surroundings(location_ids=[location_id], characters_limit=characters_limit)[location_id]
    return {"tick": tick, **surroundings}


def player_view_required(*, user, characters_limit: int = 50) -> dict:
    """`player_view_get` for the account's player character (a 404 `no_character` without
    one, or once it is deleted): `GET /api/world/state`, which players poll, read by id and by
    hand as each move's view is (six queries)."""
    character_id = player_character_id_required(user=user)
    try:
        return player_view_get(character_id=character_id, characters_limit=characters_limit)
    except Character.DoesNotExist:  # deleted between the two reads: as if there were none
        raise _no_character() from None


# --- Time -----------------------------------------------------------------------------------

# (first hour, name), in order; each part of the day lasts until the next one starts.
_PARTS_OF_DAY = ((0, "night"), (5, "dawn"), (7, "morning"), (12, "afternoon"), (17, "evening"), (21, "night"))


def time_of_day(hour: int) -> str:
    """The part of the day an hour (0 to 23) falls in: night, dawn, morning, afternoon, evening."""
    if not 0 <= hour <= 23:
        raise ValueError(f"An hour is 0 to 23, not {hour}.")
    return next(name for start, name in reversed(_PARTS_OF_DAY) if hour >= start)


_CLOCK_SQL = f"SELECT {sql.columns(WorldClock, 'c')} FROM world_worldclock c WHERE c.id = %s"


def world_time_get(*, now: datetime | None = None) -> dict | None:
    """The in-world date and time and when the next tick is due; None before the clock exists.

    In-world time is read in UTC, so it does not move with the server's time zone.
    """
    found = sql.rows(_CLOCK_SQL, [WorldClock.SINGLETON_ID])  # by hand: players poll it (world.sql)
    if not found:
        return None
    clock = sql.instance(WorldClock, found[0])
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


def player_events_list(*, character_id: int, location_id: int, after: int = 0, limit: int = 100) -> EventPage:
    """The events the player of `character_id`, standing at `location_id`, may see with id >
    `after`, oldest first, at most `limit`.

    Visible: events at the character's current location, world-wide events (no location),
    and the character's own. One query, by hand (`world.sql`: players poll it): `limit + 1`
    rows tell whether there is more.
    """
    rows = sql.rows(_PLAYER_EVENTS_SQL, [after, location_id, character_id, limit + 1])
    return EventPage(events=_event_dicts(rows[:limit]), has_more=len(rows) > limit)


_PLAYER_EVENTS_SQL = """
    SELECT e.id, e."type", e.tick, e."timestamp", e.actor_id, e.location_id, e.payload
    FROM world_gameevent e
    WHERE e.id > %s AND (e.location_id = %s OR e.location_id IS NULL OR e.actor_id = %s)
    ORDER BY e.id
    LIMIT %s"""
