"""Reading relationships, always faded to the tick they are read at (`logic.faded`)."""

from __future__ import annotations

from django.conf import settings

from relationships.logic import Rule, Stored, faded
from relationships.models import Relationship, RelationshipRule
from world.autonomy.state import Regard
from world.models import Character


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


def regards_for(character_ids: list[int], *, tick: int) -> dict[int, dict[int, Regard]]:
    """What each of these characters thinks of everyone it has an opinion of (one query),
    faded to `tick`. Registered as the world's regard source (`world.autonomy.regard`)."""
    rows = (
        Relationship.objects.filter(character_id__in=character_ids)
        .order_by("id")
        .only("character_id", "other_id", "affinity", "trust", "familiarity", "last_contact_tick")
    )
    regards: dict[int, dict[int, Regard]] = {}
    for row in rows:
        regards.setdefault(row.character_id, {})[row.other_id] = fade(_stored(row), tick=tick)
    return regards


def affinities_between(holders: list[int], others: list[int], *, tick: int) -> dict[int, dict[int, float]]:
    """What each of `holders` thinks of each of `others` it knows: affinity faded to `tick`
    (one query; for appraising the people in a tick's events)."""
    if not holders or not others:
        return {}
    rows = (
        Relationship.objects.filter(character_id__in=holders, other_id__in=others)
        .order_by("id")
        .only("character_id", "other_id", "affinity", "trust", "familiarity", "last_contact_tick")
    )
    affinities: dict[int, dict[int, float]] = {}
    for row in rows:
        affinities.setdefault(row.character_id, {})[row.other_id] = fade(_stored(row), tick=tick).affinity
    return affinities


def stored_for_pairs(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], Stored]:
    """The stored opinions of these directed pairs (one query)."""
    if not pairs:
        return {}
    holders = sorted({holder for holder, _ in pairs})
    others = sorted({other for _, other in pairs})
    wanted = set(pairs)
    rows = Relationship.objects.filter(character_id__in=holders, other_id__in=others).only(
        "character_id", "other_id", "affinity", "trust", "familiarity", "last_contact_tick"
    )
    return {
        (row.character_id, row.other_id): _stored(row) for row in rows if (row.character_id, row.other_id) in wanted
    }


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
    """The share of unordered pairs of active NPCs who know each other (either one's
    familiarity, faded to `tick`, at least RELATIONSHIP_ACQUAINTED_FAMILIARITY)."""
    from world.selectors import world_now_get

    tick = world_now_get().tick if tick is None else tick
    npcs = set(Character.objects.filter(kind=Character.Kind.NPC, is_active=True).values_list("id", flat=True))
    if len(npcs) < 2:
        return 0.0
    threshold = acquainted_familiarity()
    known = set()
    for row in Relationship.objects.filter(character_id__in=npcs, other_id__in=npcs).only(
        "character_id", "other_id", "affinity", "trust", "familiarity", "last_contact_tick"
    ):
        if fade(_stored(row), tick=tick).familiarity >= threshold:
            known.add((min(row.character_id, row.other_id), max(row.character_id, row.other_id)))
    return len(known) / (len(npcs) * (len(npcs) - 1) / 2)
