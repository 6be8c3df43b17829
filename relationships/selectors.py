"""Reading relationships, always faded to the tick they are read at (`logic.faded`)."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, F, FloatField, Q, Value
from django.db.models.functions import Power

from relationships.logic import Rule, Stored, acquainted, faded, faded_values, fading
from relationships.models import Relationship, RelationshipRule
from world.autonomy.state import Regard
from world.models import Character
from world.selectors import world_now_get


def acquainted_familiarity() -> float:
    return settings.RELATIONSHIP_ACQUAINTED_FAMILIARITY


def fade(stored: Stored, *, tick: int) -> Regard:
    return faded(
        stored,
        tick=tick,
        affinity_half_life=settings.RELATIONSHIP_AFFINITY_HALF_LIFE_TICKS,
        familiarity_half_life=settings.RELATIONSHIP_FAMILIARITY_HALF_LIFE_TICKS,
    )


def _stored(row) -> Stored:
    return Stored(Regard(row.affinity, row.trust, row.familiarity), row.last_contact_tick)


# Read as plain tuples: a crowded tick reads tens of thousands of opinions, and model
# instances cost several times the query.
_OPINION = ("character_id", "other_id", "affinity", "trust", "familiarity", "last_contact_tick")


def _opinion(values: tuple) -> tuple[int, int, Stored]:
    holder, other, affinity, trust, familiarity, last_contact = values
    return holder, other, Stored(Regard(affinity, trust, familiarity), last_contact)


def _faded_opinions(rows, *, tick: int) -> Iterator[tuple[int, int, Regard]]:
    """(holder, other, regard faded to `tick`) of each row of `_OPINION`: `fade` without
    building a `Stored` for each (a tick reads some 100,000 opinions at 10,000 NPCs)."""
    affinity_half_life = settings.RELATIONSHIP_AFFINITY_HALF_LIFE_TICKS
    familiarity_half_life = settings.RELATIONSHIP_FAMILIARITY_HALF_LIFE_TICKS
    for holder, other, affinity, trust, familiarity, last_contact in rows:
        regard = faded_values(
            affinity,
            trust,
            familiarity,
            since=tick - last_contact,
            affinity_half_life=affinity_half_life,
            familiarity_half_life=familiarity_half_life,
        )
        yield holder, other, regard


NOTABLE = 0.1  # an opinion weaker than this on every count is as a stranger's, to a decision


def regards_for(character_ids: list[int], *, tick: int) -> dict[int, dict[int, Regard]]:
    """What each of these characters thinks of everyone it has a notable opinion of (one
    query), faded to `tick`. Registered as the world's regard source (`world.autonomy.regard`).
    A passing acquaintance (a tick or two side by side) is left out: in a crowded world most
    opinions are those, and a decision weighs them as a stranger's anyway."""
    notable = (
        Q(familiarity__gte=NOTABLE)
        | Q(affinity__gte=NOTABLE)
        | Q(affinity__lte=-NOTABLE)
        | Q(trust__gte=NOTABLE)
        | Q(trust__lte=-NOTABLE)
    )
    rows = Relationship.objects.filter(notable, character_id__any=character_ids).order_by("id").values_list(*_OPINION)
    regards: dict[int, dict[int, Regard]] = {}
    for holder, other, regard in _faded_opinions(rows, tick=tick):
        regards.setdefault(holder, {})[other] = regard
    return regards


def fond_regards_for(character_ids: list[int], *, at_least: float, tick: int) -> dict[int, dict[int, Regard]]:
    """Like `regards_for`, only the opinions whose affinity is still `at_least` at `tick`
    (one query; fading only lowers affinity, so the stored value picks the rows)."""
    rows = (
        Relationship.objects.filter(character_id__any=character_ids, affinity__gte=at_least)
        .order_by("id")
        .values_list(*_OPINION)
    )
    regards: dict[int, dict[int, Regard]] = {}
    for holder, other, regard in _faded_opinions(rows, tick=tick):
        if regard.affinity >= at_least:
            regards.setdefault(holder, {})[other] = regard
    return regards


def admirers_of(people: list[int], *, at_least: float, tick: int) -> dict[int, dict[int, float]]:
    """Person → who likes them `at_least` at `tick` → that affinity (one query, off the
    (other, character) index; `at_least` > 0: fading only brings affinity towards 0, so the
    stored value picks the rows). Those who like a wronged person, asked of the person, not of
    everyone standing by: a crowd of thousands watches every wrong done in it."""
    if not people:
        return {}
    rows = (
        Relationship.objects.filter(other_id__any=people, affinity__gte=at_least).order_by("id").values_list(*_OPINION)
    )
    admirers: dict[int, dict[int, float]] = {}
    for holder, other, regard in _faded_opinions(rows, tick=tick):
        if regard.affinity >= at_least:
            admirers.setdefault(other, {})[holder] = regard.affinity
    return admirers


def affinities_between(holders: list[int], others: list[int], *, tick: int) -> dict[int, dict[int, float]]:
    """What each of `holders` thinks of each of `others` it knows: affinity faded to `tick`
    (one query; for appraising the people in a tick's events)."""
    if not holders or not others:
        return {}
    # One IN list, the other side picked here: SQLite answers two large IN lists ten times
    # slower than one.
    wanted = set(others)
    rows = (
        Relationship.objects.filter(character_id__any=holders)
        .order_by("id")
        .values_list("character_id", "other_id", "affinity", "last_contact_tick")
    )
    half_life = settings.RELATIONSHIP_AFFINITY_HALF_LIFE_TICKS
    familiarity_half_life = settings.RELATIONSHIP_FAMILIARITY_HALF_LIFE_TICKS
    affinities: dict[int, dict[int, float]] = {}
    for holder, other, affinity, last_contact in rows:
        if other in wanted:
            # `fade(...).affinity`, of the affinity alone (a tick reads every NPC's opinions)
            keep, _ = fading(tick - last_contact, half_life, familiarity_half_life)
            affinities.setdefault(holder, {})[other] = affinity * keep
    return affinities


def stored_for_pairs(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], Stored]:
    """The stored opinions of these directed pairs (one query)."""
    if not pairs:
        return {}
    if connection.vendor == "postgresql":
        # Exactly the pairs asked for, off the (character, other) index: reading all the
        # holders' opinions (a tick's holders are nearly everyone) read the whole table, which
        # grows with every acquaintance the world ever made.
        holders, others = zip(*sorted(set(pairs)), strict=True)
        columns = ", ".join(f"r.{name}" for name in _OPINION)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {connection.ops.quote_name(Relationship._meta.db_table)} AS r "
                "JOIN unnest(%s::bigint[], %s::bigint[]) AS p(holder, other) "
                "ON r.character_id = p.holder AND r.other_id = p.other",
                [list(holders), list(others)],
            )
            return {(holder, other): stored for holder, other, stored in map(_opinion, cursor.fetchall())}
    holders = sorted({holder for holder, _ in pairs})
    wanted = set(pairs)
    rows = Relationship.objects.filter(character_id__any=holders).values_list(*_OPINION)
    return {(holder, other): stored for holder, other, stored in map(_opinion, rows) if (holder, other) in wanted}


def rules_load() -> list[Rule]:
    """The designers' active relationship rules (one query)."""
    return [
        Rule(rule.event_type, rule.role, rule.mood_tone, rule.affinity, rule.trust, rule.familiarity)
        for rule in RelationshipRule.objects.filter(is_active=True).order_by("id")
    ]


def relationships_of(character: Character, *, tick: int) -> list[dict]:
    """A character's own opinions of others, faded to `tick`, best known first (for the API)."""
    rows = Relationship.objects.filter(character=character).select_related("other").order_by("id")
    opinions = []
    for row in rows:
        regard = fade(_stored(row), tick=tick)
        opinions.append(
            {
                "character": {"id": row.other_id, "name": row.other.name, "kind": row.other.kind},
                "affinity": round(regard.affinity, 3),
                "trust": round(regard.trust, 3),
                "familiarity": round(regard.familiarity, 3),
                "last_contact_tick": row.last_contact_tick,
            }
        )
    opinions.sort(key=lambda opinion: (-opinion["familiarity"], opinion["character"]["id"]))
    return opinions


def acquaintance_density(*, tick: int | None = None) -> float:
    """The share of unordered pairs of active NPCs who know each other (either one is
    `logic.acquainted` with the other at `tick`)."""
    tick = world_now_get().tick if tick is None else tick
    npcs = set(Character.objects.filter(kind=Character.Kind.NPC, is_active=True).values_list("id", flat=True))
    if len(npcs) < 2:
        return 0.0
    threshold = acquainted_familiarity()
    known = set()
    for row in Relationship.objects.filter(character_id__any=npcs, other_id__any=npcs).only(
        "character_id", "other_id", "affinity", "trust", "familiarity", "last_contact_tick"
    ):
        if acquainted(
            _stored(row),
            tick=tick,
            threshold=threshold,
            familiarity_half_life=settings.RELATIONSHIP_FAMILIARITY_HALF_LIFE_TICKS,
        ):
            known.add((min(row.character_id, row.other_id), max(row.character_id, row.other_id)))
    return len(known) / (len(npcs) * (len(npcs) - 1) / 2)


def faction_feelings(*, tick: int) -> dict[tuple[int, int], tuple[float, int]]:
    """What the members of one faction think of another's: (faction, other) → (their mean
    affinity, faded to `tick`, over the pairs who know each other; how many such pairs). One
    query, aggregated in the database: a world's opinions can number millions."""
    half_life = settings.RELATIONSHIP_AFFINITY_HALF_LIFE_TICKS
    faded_affinity = F("affinity") * Power(0.5, (Value(float(tick)) - F("last_contact_tick")) / Value(half_life))
    rows = (
        Relationship.objects.filter(
            character__faction__isnull=False,
            other__faction__isnull=False,
            character__is_active=True,
            other__is_active=True,
            familiarity__gte=acquainted_familiarity(),
        )
        .exclude(character__faction=F("other__faction"))
        .values("character__faction_id", "other__faction_id")
        .annotate(warmth=Avg(faded_affinity, output_field=FloatField()), pairs=Count("id"))
        .order_by("character__faction_id", "other__faction_id")
    )
    return {
        (row["character__faction_id"], row["other__faction_id"]): (float(row["warmth"]), row["pairs"]) for row in rows
    }
