"""Loading the world of Htrae from its seed file, and growing it with generated NPCs.

The seed file (`seed/htrae.yaml`, see its header) is data designers read and edit. Loading
it is an upsert by slug: running it twice changes nothing the second time. It lives in the
narrative app because it writes every app's data, and narrative is the app allowed to call
the others (see docs/architecture.md).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations
from pathlib import Path as FilePath
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from htrae.upsert import Outcome, UpsertTally, upsert
from memory.models import Memory
from narrative.models import Faction, FactionRelation, LoreEntry, Quest, QuestStep, QuestTemplate
from narrative.quests.emergence import template_problems
from narrative.seeding import minds
from world.models import Character, Location, Path, WorldObject
from world.selectors import world_is_empty, world_seed_get
from world.services import world_clock_get_or_create

GENERATED_SLUG_PREFIX = "gen-"
_GENERATED_DIGITS = 7
_BIG_FIVE = ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism")


class SeedError(Exception):
    """The seed file is unreadable or inconsistent; the message lists every problem."""


@dataclass
class SeedReport:
    tally: UpsertTally = field(default_factory=UpsertTally)
    skipped: bool = False

    @property
    def changed(self) -> int:
        return self.tally.total(Outcome.CREATED) + self.tally.total(Outcome.UPDATED)


# --- Reading and checking the file ---------------------------------------------------------


def seed_file_load(path: FilePath | str | None = None) -> dict[str, Any]:
    """Parse and check the seed file; raise SeedError naming every broken reference."""
    path = FilePath(path or settings.SEED_WORLD_FILE)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SeedError(f"Cannot read the seed file {path}: {error}") from error
    except yaml.YAMLError as error:
        raise SeedError(f"The seed file {path} is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise SeedError(f"The seed file {path} must hold a mapping of sections.")
    problems = list(_seed_problems(data))
    if problems:
        raise SeedError(f"The seed file {path} has {len(problems)} problem(s):\n- " + "\n- ".join(problems))
    return data


def _seed_problems(data: dict[str, Any]) -> Iterator[str]:
    for section in ("locations", "factions", "npcs", "spectra"):
        if not data.get(section):
            yield f"section '{section}' is missing or empty"
    locations = {item.get("slug") for item in data.get("locations") or []}
    factions = {item.get("slug") for item in data.get("factions") or []}
    characters = {item.get("slug") for item in data.get("npcs") or []}
    if data.get("spectra"):
        characters.add(data["spectra"].get("slug"))
    objects = {item.get("slug") for item in data.get("objects") or []}

    def check(kind: str, known: set, value: Any, where: str) -> Iterator[str]:
        if value is not None and value not in known:
            yield f"{where}: unknown {kind} '{value}'"

    for section in ("locations", "factions", "npcs", "objects", "lore", "quests", "quest_templates"):
        slugs = [item.get("slug") for item in data.get(section) or []]
        for slug in {s for s in slugs if slugs.count(s) > 1}:
            yield f"{section}: slug '{slug}' is used more than once"
        if None in slugs:
            yield f"{section}: an entry has no slug"

    starting = [item["slug"] for item in data.get("locations") or [] if item.get("starting")]
    if len(starting) != 1:
        yield f"locations: exactly one must be 'starting: true', found {len(starting)}"
    for item in data.get("paths") or []:
        yield from check("location", locations, item.get("from"), "paths")
        yield from check("location", locations, item.get("to"), "paths")
    for item in data.get("factions") or []:
        yield from check("location", locations, item.get("home"), f"faction '{item.get('slug')}'")
    yield from minds.fellowship_problems(data.get("factions") or [])
    seen_pairs = set()
    for item in data.get("faction_relations") or []:
        pair = item.get("between") or []
        for slug in pair:
            yield from check("faction", factions, slug, "faction_relations")
        if len(pair) != 2 or pair[0] == pair[1]:
            yield f"faction_relations: 'between' needs two different factions, got {pair}"
        seen_pairs.add(frozenset(pair))
    for a, b in combinations(sorted(s for s in factions if s), 2):
        if frozenset((a, b)) not in seen_pairs:
            yield f"faction_relations: no relation between '{a}' and '{b}'"
    for item in [data.get("spectra") or {}, *(data.get("npcs") or [])]:
        where = f"character '{item.get('slug')}'"
        yield from check("location", locations, item.get("location"), where)
        yield from check("faction", factions, item.get("faction"), where)
    for item in data.get("npcs") or []:
        where = f"character '{item.get('slug')}'"
        for role in ("home", "work", "gathering", "evening"):
            yield from check("location", locations, item.get(role), where)
        for goal in item.get("goals") or []:
            if isinstance(goal, dict):
                yield from check("location", locations, goal.get("place"), f"{where} goal")
                yield from check("object", objects, goal.get("object"), f"{where} goal")
                yield from check("character", characters, goal.get("person"), f"{where} goal")
    routines = data.get("routines") or {}
    for table in ("homes", "gatherings", "evenings"):
        for slug in (routines.get(table) or {}).values():
            yield from check("location", locations, slug, f"routines {table}")
    for slot in routines.get("day") or []:
        if slot.get("place") not in ("home", "work", "gathering", "evening"):
            yield from check("location", locations, slot.get("place"), "routines day")
        if not (0 <= int(slot.get("from", -1)) <= 23 and 0 <= int(slot.get("to", -1)) <= 24):
            yield f"routines day: hours must run 0 to 24, got {slot.get('from')}-{slot.get('to')}"
    for goal in (data.get("spectra") or {}).get("life_goals") or []:
        pursue, when = goal.get("pursue") or {}, goal.get("achieved_when") or {}
        yield from check("object", objects, pursue.get("object"), f"life goal '{goal.get('title')}'")
        yield from check("location", locations, pursue.get("location"), f"life goal '{goal.get('title')}'")
        for key in ("hear", "hold", "use"):
            yield from check("object", objects, when.get(key), f"life goal '{goal.get('title')}'")
    for item in data.get("objects") or []:
        where = f"object '{item.get('slug')}'"
        yield from check("location", locations, item.get("location"), where)
        yield from check("character", characters, item.get("holder"), where)
        yield from check("character", characters, item.get("owner"), where)
        on_use = item.get("on_use") or {}
        yield from check("object", objects, on_use.get("target"), where)
        yield from check("location", locations, on_use.get("at"), where)
    for number, item in enumerate(data.get("memories") or [], start=1):
        yield from check("character", characters, item.get("character"), f"memory {number}")
        if item.get("type") not in {"short_term", "long_term", "emotional"}:
            yield f"memory {number}: type must be short_term, long_term or emotional"
        if not str(item.get("content", "")).strip():
            yield f"memory {number}: content is empty"
    for number, item in enumerate(data.get("standards") or [], start=1):
        yield from check("faction", factions, item.get("faction"), f"standard {number}")
        praise = item.get("praise")
        if not item.get("faction") or not item.get("event"):
            yield f"standard {number}: needs a faction and an event"
        if not isinstance(praise, int | float) or not -1 <= praise <= 1:
            yield f"standard {number}: praise must be a number from -1 to 1, got {praise!r}"
    for number, item in enumerate(data.get("relationships") or [], start=1):
        yield from minds.relationship_problems(number, item, characters, check)
    for item in data.get("lore") or []:
        where = f"lore '{item.get('slug')}'"
        for slug in item.get("factions") or []:
            yield from check("faction", factions, slug, where)
        for slug in item.get("locations") or []:
            yield from check("location", locations, slug, where)
        for slug in item.get("characters") or []:
            yield from check("character", characters, slug, where)
    for item in data.get("quests") or []:
        where = f"quest '{item.get('slug')}'"
        yield from check("character", characters, item.get("giver"), where)
        yield from check("faction", factions, item.get("faction"), where)
        for number, step in enumerate(item.get("steps") or [], start=1):
            step_where = f"{where} step {number}"
            yield from check("location", locations, step.get("location"), step_where)
            yield from check("character", characters, step.get("character"), step_where)
            yield from check("object", objects, step.get("object"), step_where)
    for item in data.get("quest_templates") or []:
        problems = template_problems(
            trigger=item.get("trigger"),
            title=item.get("title", ""),
            description=item.get("description", ""),
            steps=item.get("steps"),
        )
        yield from (f"quest template '{item.get('slug')}': {problem}" for problem in problems)
    triggers = {item.get("slug"): item.get("trigger") for item in data.get("quest_templates") or []}
    for item in data.get("quest_templates") or []:
        following = item.get("leads_to")
        if following is None:
            continue
        if following not in triggers:
            yield f"quest template '{item.get('slug')}': leads_to names no template ('{following}')."
        elif triggers[following] != item.get("trigger"):
            yield f"quest template '{item.get('slug')}': leads_to '{following}' has another trigger."


# --- Writing the world ----------------------------------------------------------------------


class _Upserter:
    """Upserts one model's rows by slug, loading the existing rows in one query."""

    def __init__(self, model, tally: UpsertTally, slugs: list[str]):
        self.model = model
        self.tally = tally
        self.by_slug = model.objects.in_bulk(slugs, field_name="slug")

    def __call__(self, slug: str, fields: dict[str, Any]):
        instance, outcome = upsert(self.model, existing=self.by_slug.get(slug), lookup={"slug": slug}, fields=fields)
        self.by_slug[slug] = instance
        self.tally.add(self.model._meta.verbose_name_plural.capitalize(), outcome)
        return instance


def seed_world(*, path: FilePath | str | None = None, only_if_empty: bool = False) -> SeedReport:
    """Load the seed file into the database in one transaction (upsert by slug)."""
    report = SeedReport()
    if only_if_empty and not world_is_empty():
        report.skipped = True
        return report
    data = seed_file_load(path)
    try:
        with transaction.atomic():
            _seed_all(data, report.tally)
    except ValidationError as error:
        raise SeedError(f"The seed data breaks a rule of the world: {error}") from error
    return report


def _seed_all(data: dict[str, Any], tally: UpsertTally) -> None:
    clock = data.get("clock") or {}
    world_clock = world_clock_get_or_create(
        start=datetime.fromisoformat(clock["start"]) if clock.get("start") else None,
        time_scale=clock.get("time_scale"),
        tick_interval_seconds=clock.get("tick_interval_seconds"),
    )

    location_rows = data["locations"]
    locations = _Upserter(Location, tally, [row["slug"] for row in location_rows])
    # The starting flag is unique: clear it where the file moves it, before setting it.
    starting_slug = next(row["slug"] for row in location_rows if row.get("starting"))
    Location.objects.filter(is_starting_location=True).exclude(slug=starting_slug).update(is_starting_location=False)
    for row in location_rows:
        map_x, map_y = row.get("map") or (0.0, 0.0)
        locations(
            row["slug"],
            {
                "name": row["name"],
                "region": row.get("region", ""),
                "description": row.get("description", "").strip(),
                "map_x": float(map_x),
                "map_y": float(map_y),
                "light": float(row.get("light", 0.7)),
                "color": row.get("color", "#ffffff"),
                "sound": row.get("sound", ""),
                "is_starting_location": bool(row.get("starting", False)),
            },
        )
    location_id = {slug: location.id for slug, location in locations.by_slug.items()}

    existing_paths = {(p.source_id, p.target_id): p for p in Path.objects.all()}
    for row in data.get("paths") or []:
        key = (location_id[row["from"]], location_id[row["to"]])
        _, outcome = upsert(
            Path,
            existing=existing_paths.get(key),
            lookup={"source_id": key[0], "target_id": key[1]},
            fields={
                "travel_cost": int(row.get("cost", 1)),
                "two_way": bool(row.get("two_way", True)),
                "description": row.get("description", ""),
            },
        )
        tally.add("Paths", outcome)

    faction_rows = data["factions"]
    factions = _Upserter(Faction, tally, [row["slug"] for row in faction_rows])
    for row in faction_rows:
        factions(
            row["slug"],
            {
                "name": row["name"],
                "description": row.get("description", "").strip(),
                "ethos": row.get("ethos", "").strip(),
                "status": row.get("status", Faction.Status.STABLE),
                "power": int(row.get("power", 50)),
                "color": row.get("color", "#888888"),
                "goals": list(row.get("goals") or []),
                "home_id": location_id.get(row.get("home")),
            },
        )
    faction_id = {slug: faction.id for slug, faction in factions.by_slug.items()}

    existing_relations = {(r.faction_id, r.other_id): r for r in FactionRelation.objects.all()}
    for row in data.get("faction_relations") or []:
        first, second = (faction_id[slug] for slug in row["between"])
        standing = int(row["standing"])
        for key, value in (((first, second), standing), ((second, first), int(row.get("reverse", standing)))):
            _, outcome = upsert(
                FactionRelation,
                existing=existing_relations.get(key),
                lookup={"faction_id": key[0], "other_id": key[1]},
                fields={"standing": value, "note": row.get("note", "")},
            )
            tally.add("Faction relations", outcome)

    spectra_row = {**data["spectra"], "kind": Character.Kind.SPECTRA}
    character_rows = [spectra_row, *[{**row, "kind": Character.Kind.NPC} for row in data["npcs"]]]
    characters = _Upserter(Character, tally, [row["slug"] for row in character_rows])
    for row in character_rows:
        characters(
            row["slug"],
            {
                "name": row["name"],
                "kind": row["kind"],
                "faction_id": faction_id.get(row.get("faction")),
                "location_id": location_id[row["location"]],
                "description": row.get("description", "").strip(),
                "personality": dict(row.get("personality") or {}),
                "goals": [minds.goal_title(goal) for goal in row.get("goals") or []],
                "emotional_state": dict(row.get("emotional_state") or {"mood": "calm"}),
                "needs": dict(row.get("needs") or {}),
                "energy": float(row.get("energy", 100)),
            },
        )
    character_id = {slug: character.id for slug, character in characters.by_slug.items()}

    object_rows = data.get("objects") or []
    objects = _Upserter(WorldObject, tally, [row["slug"] for row in object_rows])
    for row in object_rows:
        objects(
            row["slug"],
            {
                "name": row["name"],
                "kind": row.get("kind", ""),
                "description": row.get("description", "").strip(),
                "location_id": location_id.get(row.get("location")),
                "holder_id": character_id.get(row.get("holder")),
                "properties": minds.object_properties(row, character_id),
            },
        )
    object_id = {slug: obj.id for slug, obj in objects.by_slug.items()}

    routine_places = minds.seed_routines(data, tally, location_id, character_id)
    minds.seed_goals(data["npcs"], tally, location_id, character_id, object_id, routine_places)
    minds.seed_life_goals(data["spectra"], tally, character_id)

    _seed_memories(data.get("memories") or [], tally, character_id, world_time=world_clock.world_time)
    minds.seed_relationships(
        data.get("relationships") or [],
        tally,
        character_id,
        factions=data.get("factions") or [],
        npcs=data.get("npcs") or [],
    )
    minds.seed_standards(data.get("standards") or [], tally, faction_id)
    _seed_lore(data.get("lore") or [], tally, faction_id, location_id, character_id)
    _seed_quests(data.get("quests") or [], tally, faction_id, location_id, character_id, object_id)
    _seed_quest_templates(data.get("quest_templates") or [], tally)


def _seed_memories(rows, tally, character_id, *, world_time) -> None:
    """Founding memories, matched by character and exact words. A new one was last recalled
    at the clock's in-world time, so its recency never depends on when the seed ran."""
    existing = {
        (memory.character_id, memory.content): memory
        for memory in Memory.objects.filter(character_id__in={character_id[row["character"]] for row in rows})
    }
    for row in rows:
        key = (character_id[row["character"]], row["content"].strip())
        fields = {"type": row["type"], "importance_score": float(row.get("importance", 5))}
        if key not in existing:
            fields["last_accessed_world_at"] = world_time
        _, outcome = upsert(
            Memory, existing=existing.get(key), lookup={"character_id": key[0], "content": key[1]}, fields=fields
        )
        tally.add("Memories", outcome)


def _seed_lore(rows, tally, faction_id, location_id, character_id) -> None:
    lore = _Upserter(LoreEntry, tally, [row["slug"] for row in rows])
    for row in rows:
        entry = lore(
            row["slug"],
            {
                "title": row["title"],
                "category": row["category"],
                "summary": row.get("summary", "").strip(),
                "body": row.get("body", "").strip(),
            },
        )
        links = {
            "factions": {faction_id[slug] for slug in row.get("factions") or []},
            "locations": {location_id[slug] for slug in row.get("locations") or []},
            "characters": {character_id[slug] for slug in row.get("characters") or []},
        }
        for relation, wanted in links.items():
            manager = getattr(entry, relation)
            if set(manager.values_list("id", flat=True)) != wanted:
                manager.set(wanted)
                tally.add("Lore links", Outcome.UPDATED)


def _seed_quests(rows, tally, faction_id, location_id, character_id, object_id) -> None:
    quests = _Upserter(Quest, tally, [row["slug"] for row in rows])
    for row in rows:
        quest = quests(
            row["slug"],
            {
                "title": row["title"],
                "description": row.get("description", "").strip(),
                "status": row.get("status", Quest.Status.AVAILABLE),
                "giver_id": character_id.get(row.get("giver")),
                "faction_id": faction_id.get(row.get("faction")),
                "rewards": dict(row.get("rewards") or {}),
            },
        )
        existing_steps = {step.order: step for step in quest.steps.all()}
        for order, step in enumerate(row.get("steps") or [], start=1):
            _, outcome = upsert(
                QuestStep,
                existing=existing_steps.get(order),
                lookup={"quest": quest, "order": order},
                fields={
                    "objective": step["objective"],
                    "objective_type": step["type"],
                    "target_location_id": location_id.get(step.get("location")),
                    "target_character_id": character_id.get(step.get("character")),
                    "target_object_id": object_id.get(step.get("object")),
                    "wait_ticks": step.get("wait_ticks"),
                    "event_type": step.get("event_type", ""),
                },
            )
            tally.add("Quest steps", outcome)


def _seed_quest_templates(rows, tally) -> None:
    templates = _Upserter(QuestTemplate, tally, [row["slug"] for row in rows])
    for row in rows:
        templates(
            row["slug"],
            {
                "name": row["name"],
                "trigger": row["trigger"],
                "enabled": row.get("enabled", True),
                "standing_at_most": row.get("standing_at_most"),
                "standing_at_least": row.get("standing_at_least"),
                "title": row["title"],
                "description": " ".join(str(row.get("description", "")).split()),
                "steps": list(row.get("steps") or []),
                "reward_standing": row.get("reward_standing", 0),
                "failure_standing": row.get("failure_standing", 0),
                "time_limit_ticks": row.get("time_limit_ticks"),
                "cooldown_ticks": row.get("cooldown_ticks", 200),
                "max_active": row.get("max_active", 3),
            },
        )
    # Chains, once every template exists: each names the one it leads to.
    by_slug = dict(QuestTemplate.objects.filter(slug__in=[row["slug"] for row in rows]).values_list("slug", "id"))
    for row in rows:
        QuestTemplate.objects.filter(slug=row["slug"]).update(leads_to_id=by_slug.get(row.get("leads_to")))


# --- Generated NPCs, for large worlds -------------------------------------------------------


def generated_npcs_add(
    *,
    count: int,
    path: FilePath | str | None = None,
    batch_size: int = 2000,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Add `count` generated NPCs spread over the world's locations and factions.

    Names, occupations and goals come from the seed file's `generated_npcs` vocabulary; the
    random choices are seeded by the world seed and the NPC's number, so the same world grows
    the same way. `on_batch(n)` is told after each batch of n NPCs is written.
    """
    vocabulary = seed_file_load(path).get("generated_npcs") or {}
    for key in ("given_names", "family_names", "occupations", "goals"):
        if not vocabulary.get(key):
            raise SeedError(f"generated_npcs.{key} is missing from the seed file.")
    location_ids = list(Location.objects.order_by("id").values_list("id", flat=True))
    if not location_ids:
        raise SeedError("The world has no locations yet: seed it first.")
    factions = list(Faction.objects.order_by("id").values_list("id", "name"))
    seed = world_seed_get()  # the clock's: one seed source for the world

    last_slug = (
        Character.objects.filter(slug__startswith=GENERATED_SLUG_PREFIX)
        .order_by("-slug")
        .values_list("slug", flat=True)
        .first()
    )
    first_number = int(last_slug.removeprefix(GENERATED_SLUG_PREFIX)) + 1 if last_slug else 1

    written = 0
    while written < count:
        size = min(batch_size, count - written)
        batch = [
            _generated_npc(first_number + written + offset, vocabulary, location_ids, factions, seed=seed)
            for offset in range(size)
        ]
        Character.objects.bulk_create(batch, batch_size=size)
        written += size
        if on_batch:
            on_batch(size)
    _statistics_refresh(Character)
    return written


def _statistics_refresh(model) -> None:
    """On PostgreSQL, refresh the planner's statistics of `model`'s table. A world of a few dozen
    characters that gains thousands in one command would otherwise be planned as the small one
    until autovacuum comes by: the first ticks read the grown table with plans made for 27 rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _generated_npc(number: int, vocabulary, location_ids, factions, *, seed: int) -> Character:
    rng = random.Random(f"{seed}:npc:{number}")
    faction = rng.choice(factions) if factions and rng.random() > 0.15 else None
    occupation = rng.choice(vocabulary["occupations"])
    allegiance = f"of {faction[1]}" if faction else "bound to no faction"
    return Character(
        name=f"{rng.choice(vocabulary['given_names'])} {rng.choice(vocabulary['family_names'])}",
        slug=f"{GENERATED_SLUG_PREFIX}{number:0{_GENERATED_DIGITS}d}",
        kind=Character.Kind.NPC,
        faction_id=faction[0] if faction else None,
        location_id=rng.choice(location_ids),
        description=f"A {occupation} {allegiance}.",
        personality={trait: round(rng.random(), 2) for trait in _BIG_FIVE},
        goals=rng.sample(vocabulary["goals"], k=min(2, len(vocabulary["goals"]))),
        emotional_state={"mood": "calm", "pleasure": 0.0, "arousal": 0.0, "dominance": 0.0},
        needs={need: round(rng.random(), 2) for need in ("social", "rest", "curiosity")},
        energy=float(rng.randint(50, 100)),
    )
