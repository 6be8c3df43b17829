"""Writes of the narrative app: opinion modifiers on faction relations and lore discoveries.
Quests have their own module, `narrative.quest_services`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from narrative.models import (
    Faction,
    FactionRelation,
    LoreDiscovery,
    LoreEntry,
    RelationModifier,
)
from narrative.relations import stance_for
from narrative.selectors import relation_stances_told, relation_standings
from world.events import EventDraft, publish_many
from world.models import Character

FACTION_RELATION_CHANGED = "FACTION_RELATION_CHANGED"


# --- Faction relations ---------------------------------------------------------------------


@dataclass(frozen=True)
class ModifierChange:
    """Add `value` to how `faction_id` regards `other_id`."""

    faction_id: int
    other_id: int
    value: int
    reason: str
    duration_ticks: int | None = None
    decay: float = 0.0


def faction_modifiers_add_many(*, changes: list[ModifierChange], tick: int) -> list[RelationModifier]:
    """Add many opinion modifiers at once (a constant number of queries): missing relation
    rows are created at a neutral base of 0; FACTION_RELATION_CHANGED is published for each
    relation whose stance changed, to another than the one last told."""
    if not changes:
        return []
    for change in changes:
        if change.faction_id == change.other_id:
            raise ValueError("A faction has no relation to itself.")
    with transaction.atomic():
        return _modifiers_add(changes=changes, tick=tick)


def _modifiers_add(*, changes: list[ModifierChange], tick: int) -> list[RelationModifier]:
    pairs = {(change.faction_id, change.other_id) for change in changes}
    pair_filter = Q()
    for faction_id, other_id in pairs:
        pair_filter |= Q(faction_id=faction_id, other_id=other_id)
    relations = {(r.faction_id, r.other_id): r for r in FactionRelation.objects.filter(pair_filter)}
    missing = sorted(pairs - relations.keys())
    if missing:
        created = FactionRelation.objects.bulk_create([FactionRelation(faction_id=f, other_id=o) for f, o in missing])
        relations.update({(r.faction_id, r.other_id): r for r in created})
    relation_ids = [relation.id for relation in relations.values()]
    before = relation_standings(tick=tick, relation_ids=relation_ids)

    modifiers = [
        RelationModifier(
            relation=relations[(change.faction_id, change.other_id)],
            reason=change.reason[:200],
            value=change.value,
            started_tick=tick,
            duration_ticks=change.duration_ticks,
            decay=change.decay,
        )
        for change in changes
    ]
    for modifier in modifiers:
        # The fields' validators say the same as the check constraints, without a query per
        # constraint and modifier (the database still enforces them).
        modifier.full_clean(exclude=["relation"], validate_constraints=False)
    modifiers = RelationModifier.objects.bulk_create(modifiers)

    after = relation_standings(tick=tick, relation_ids=relation_ids)
    moved = [pair for pair in sorted(pairs) if stance_for(before.get(pair, 0)) != stance_for(after.get(pair, 0))]
    if moved:
        ids = {faction_id for pair in moved for faction_id in pair}
        factions = {f.id: f for f in Faction.objects.filter(id__in=ids).only("id", "slug", "name")}
        # News is a stance other than the one last told: a standing that decayed across a
        # threshold unannounced and is pushed back is not news.
        told = relation_stances_told(faction_slugs={factions[f].slug for f, _ in moved})
        reasons = {(c.faction_id, c.other_id): c.reason[:200] for c in changes}
        drafts = []
        for faction_id, other_id in moved:
            faction, other = factions[faction_id], factions[other_id]
            last = told.get((faction.slug, other.slug), stance_for(before.get((faction_id, other_id), 0)))
            standing = after[(faction_id, other_id)]
            if stance_for(standing) == last:
                continue
            drafts.append(
                relation_changed_draft(
                    faction=faction,
                    other=other,
                    standing_before=before.get((faction_id, other_id), 0),
                    standing=standing,
                    stance_before=last,
                    stance=stance_for(standing),
                    reason=reasons[(faction_id, other_id)],
                    tick=tick,
                )
            )
        if drafts:
            publish_many(drafts)
    return modifiers


def relation_changed_draft(
    *,
    faction: Faction,
    other: Faction,
    standing_before: int | None,
    standing: int,
    stance_before: str,
    stance: str,
    reason: str,
    tick: int,
) -> EventDraft:
    """A FACTION_RELATION_CHANGED event: how `faction` regards `other` is now `stance`
    (`stance_before`: the stance last told)."""
    return EventDraft(
        type=FACTION_RELATION_CHANGED,
        payload={
            "faction": faction.slug,
            "faction_name": faction.name,
            "other": other.slug,
            "other_name": other.name,
            "standing_before": standing_before,
            "standing": standing,
            "stance_before": stance_before,
            "stance": stance,
            "reason": reason,
        },
        tick=tick,
    )


def faction_modifier_add(
    *,
    faction: Faction,
    other: Faction,
    value: int,
    reason: str,
    duration_ticks: int | None = None,
    decay: float = 0.0,
    tick: int,
    mutual: bool = True,
) -> list[RelationModifier]:
    """Add an opinion modifier to how `faction` regards `other` (and, if `mutual`, the
    reverse); publishes FACTION_RELATION_CHANGED for each direction whose stance changed."""
    directions = [(faction.id, other.id)] + ([(other.id, faction.id)] if mutual else [])
    changes = [
        ModifierChange(faction_id=f, other_id=o, value=value, reason=reason, duration_ticks=duration_ticks, decay=decay)
        for f, o in directions
    ]
    return faction_modifiers_add_many(changes=changes, tick=tick)


# --- Lore ------------------------------------------------------------------------------------


def lore_discover(*, character: Character, entry: LoreEntry, tick: int) -> LoreDiscovery:
    """Record that `character` knows `entry` (once; a second call changes nothing)."""
    discovery, _ = LoreDiscovery.objects.get_or_create(
        character=character, entry=entry, defaults={"discovered_tick": tick}
    )
    return discovery


def lore_discover_linked(*, visits: list[tuple[int, int | None, int | None, int]]) -> int:
    """For each (character_id, location_id, met_character_id, tick), the character discovers
    the secrets linked to that location or that character (three queries). Returns how many
    (character, entry) pairs were looked at."""
    location_ids = {location_id for _, location_id, _, _ in visits if location_id}
    met_ids = {met_id for _, _, met_id, _ in visits if met_id}
    secret = LoreEntry.Category.SECRET
    by_location: dict[int, set[int]] = {}
    by_character: dict[int, set[int]] = {}
    if location_ids:
        rows = LoreEntry.locations.through.objects.filter(
            location_id__in=location_ids, loreentry__category=secret
        ).values_list("location_id", "loreentry_id")
        for location_id, entry_id in rows:
            by_location.setdefault(location_id, set()).add(entry_id)
    if met_ids:
        rows = LoreEntry.characters.through.objects.filter(
            character_id__in=met_ids, loreentry__category=secret
        ).values_list("character_id", "loreentry_id")
        for met_id, entry_id in rows:
            by_character.setdefault(met_id, set()).add(entry_id)
    found: dict[tuple[int, int], int] = {}
    for character_id, location_id, met_id, tick in visits:
        for entry_id in by_location.get(location_id, set()) | by_character.get(met_id, set()):
            found.setdefault((character_id, entry_id), tick)
    if found:
        LoreDiscovery.objects.bulk_create(
            [
                LoreDiscovery(character_id=character_id, entry_id=entry_id, discovered_tick=tick)
                for (character_id, entry_id), tick in found.items()
            ],
            ignore_conflicts=True,
        )
    return len(found)
