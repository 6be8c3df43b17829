"""The minds' part of the seed file: NPCs' routines and goals, Spectra's life goals,
starting relationships and factions' standards (called by `narrative.seeding.loader`, which checks
the file first)."""

from __future__ import annotations

from collections.abc import Iterator

from htrae.upsert import upsert
from relationships.models import Relationship
from spectra.models import SpectraGoal, Standard
from world.models import CharacterGoal, RoutineSlot

LIFE_GOALS_AT_START = 3


def goal_title(goal) -> str:
    return str(goal["title"] if isinstance(goal, dict) else goal)


def object_properties(row: dict, character_id: dict[str, int]) -> dict:
    """An object's properties with its owner (by id; a carried thing is its holder's unless
    the file says otherwise), value and what using it does (`on_use`, slugs kept)."""
    properties = dict(row.get("properties") or {})
    owner = row.get("owner") or row.get("holder")
    if owner in character_id:
        properties["owner_id"] = character_id[owner]
    if row.get("value") is not None:
        properties["value"] = row["value"]
    if row.get("on_use"):
        properties["on_use"] = dict(row["on_use"])
    return properties


def seed_routines(data, tally, location_id, character_id) -> dict[str, dict[str, int]]:
    """Every NPC's routine slots, from the file's `routines` (see the file); returns each
    NPC's home, work, gathering and evening place ids."""
    routines = data.get("routines") or {}
    homes, gatherings = routines.get("homes") or {}, routines.get("gatherings") or {}
    evenings = routines.get("evenings") or {}
    places: dict[str, dict[str, int]] = {}
    existing = {(slot.character_id, slot.start_hour): slot for slot in RoutineSlot.objects.all()}
    for row in data["npcs"]:
        faction = row.get("faction") or "default"
        resolved = {
            "home": row.get("home") or homes.get(faction) or homes.get("default") or row["location"],
            "work": row.get("work") or row["location"],
            "gathering": row.get("gathering")
            or gatherings.get(faction)
            or gatherings.get("default")
            or row["location"],
        }
        # Evenings drawn from other circles than middays, so a town is not a few closed circles.
        resolved["evening"] = (
            row.get("evening") or evenings.get(faction) or evenings.get("default") or resolved["gathering"]
        )
        places[row["slug"]] = {role: location_id[slug] for role, slug in resolved.items()}
        who = character_id[row["slug"]]
        for slot in routines.get("day") or []:
            place = places[row["slug"]].get(slot["place"]) or location_id[slot["place"]]
            _, outcome = upsert(
                RoutineSlot,
                existing=existing.get((who, int(slot["from"]))),
                lookup={"character_id": who, "start_hour": int(slot["from"])},
                fields={"end_hour": int(slot["to"]) or 24, "location_id": place, "activity": slot["activity"]},
            )
            tally.add("Routine slots", outcome)
    return places


def seed_goals(rows, tally, location_id, character_id, object_id, routine_places) -> None:
    """NPCs' seed goals as goals with somewhere to be served: the file's place, thing or
    person, else the NPC's work place."""
    existing = {(goal.character_id, goal.title): goal for goal in CharacterGoal.objects.all()}
    for row in rows:
        who = character_id[row["slug"]]
        goals = row.get("goals") or []
        for rank, goal in enumerate(goals):
            spec = goal if isinstance(goal, dict) else {"title": goal}
            place = location_id.get(spec.get("place"))
            thing, person = object_id.get(spec.get("object")), character_id.get(spec.get("person"))
            if place is None and thing is None and person is None:
                place = routine_places[row["slug"]]["work"]
            _, outcome = upsert(
                CharacterGoal,
                existing=existing.get((who, spec["title"])),
                lookup={"character_id": who, "title": spec["title"]},
                fields={
                    "source": CharacterGoal.Source.SEED,
                    "verb": spec.get("verb", CharacterGoal.Verb.VISIT),
                    "priority": int(spec.get("priority", max(1, 7 - rank))),
                    "location_id": place,
                    "target_object_id": thing,
                    "partner_id": person,
                },
            )
            tally.add("Character goals", outcome)


def seed_life_goals(row, tally, character_id) -> None:
    """Spectra's life goals (spectra.SpectraGoal), each achieved by a change in the world."""
    spectra = character_id[row["slug"]]
    existing = {goal.title: goal for goal in SpectraGoal.objects.filter(character_id=spectra)}
    for rank, goal in enumerate(row.get("life_goals") or []):
        fields = {
            "priority": int(goal.get("priority", max(1, 8 - rank))),
            "achieved_when": dict(goal.get("achieved_when") or {}),
            "pursue": dict(goal.get("pursue") or {}),
        }
        if goal["title"] not in existing:  # a few to begin with; the rest wait their turn
            fields["status"] = SpectraGoal.Status.ACTIVE if rank < LIFE_GOALS_AT_START else SpectraGoal.Status.SET_ASIDE
        _, outcome = upsert(
            SpectraGoal,
            existing=existing.get(goal["title"]),
            lookup={"character_id": spectra, "title": goal["title"]},
            fields=fields,
        )
        tally.add("Spectra's life goals", outcome)


_OPINION_RANGES = {"affinity": (-1.0, 1.0), "trust": (-1.0, 1.0), "familiarity": (0.0, 1.0)}


def relationship_problems(number: int, item: dict, characters: set, check) -> Iterator[str]:
    where = f"relationship {number}"
    yield from check("character", characters, item.get("from"), where)
    yield from check("character", characters, item.get("to"), where)
    if item.get("from") == item.get("to"):
        yield f"{where}: 'from' and 'to' must be two different characters"
    for values in (item, item.get("reverse") or {}):
        yield from _opinion_problems(values, where)


def _opinion_problems(values: dict, where: str) -> Iterator[str]:
    for name, (low, high) in _OPINION_RANGES.items():
        value = values.get(name, 0)
        if not isinstance(value, int | float) or not low <= value <= high:
            yield f"{where}: {name} must be a number from {low:g} to {high:g}, got {value!r}"


def fellowship_problems(factions: list[dict]) -> Iterator[str]:
    for item in factions:
        fellowship = item.get("fellowship")
        if fellowship is None:
            continue
        where = f"faction '{item.get('slug')}': fellowship"
        if not isinstance(fellowship, dict):
            yield f"{where} must be a mapping of affinity, trust and familiarity"
            continue
        yield from _opinion_problems(fellowship, where)


def _fellowship_opinions(factions: list[dict], npcs: list[dict], character_id) -> dict[tuple[int, int], dict]:
    """What the members of a faction start out thinking of each other (its `fellowship`):
    fellow guild members, clansfolk and sworn thorns know each other from the first tick."""
    opinions: dict[tuple[int, int], dict] = {}
    for faction in factions:
        fellowship = faction.get("fellowship")
        if not fellowship:
            continue
        members = sorted(character_id[npc["slug"]] for npc in npcs if npc.get("faction") == faction["slug"])
        fields = {name: float(fellowship.get(name, 0)) for name in _OPINION_RANGES}
        for holder in members:
            for other in members:
                if holder != other:
                    opinions[(holder, other)] = dict(fields)
    return opinions


def seed_relationships(rows, tally, character_id, *, factions=(), npcs=()) -> None:
    """Designers' starting opinions: the factions' fellowships, then the pairs given (both
    ways when `reverse` is given), which override a fellowship; matched by the pair."""
    wanted = _fellowship_opinions(list(factions), list(npcs), character_id)
    for row in rows:
        ends = (character_id[row["from"]], character_id[row["to"]])
        wanted[ends] = {name: float(row.get(name, 0)) for name in _OPINION_RANGES}
        if row.get("reverse"):
            wanted[ends[::-1]] = {name: float(row["reverse"].get(name, 0)) for name in _OPINION_RANGES}
    holders = {holder for holder, _ in wanted}
    existing = {(row.character_id, row.other_id): row for row in Relationship.objects.filter(character_id__in=holders)}
    for (holder, other), fields in wanted.items():
        _, outcome = upsert(
            Relationship,
            existing=existing.get((holder, other)),
            lookup={"character_id": holder, "other_id": other},
            fields=fields,
        )
        tally.add("Relationships", outcome)


def seed_standards(rows, tally, faction_id) -> None:
    """Factions' standards (what their members hold praiseworthy), matched by faction and event."""
    existing = {(row.faction_id, row.event_type): row for row in Standard.objects.filter(faction__isnull=False)}
    for row in rows:
        key = (faction_id[row["faction"]], row["event"])
        _, outcome = upsert(
            Standard,
            existing=existing.get(key),
            lookup={"faction_id": key[0], "event_type": key[1], "trait": ""},
            fields={"praise": float(row["praise"]), "note": row.get("note", "")},
        )
        tally.add("Standards", outcome)
