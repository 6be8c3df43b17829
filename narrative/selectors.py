"""Reads of the narrative app: factions with their current relations, lore a reader may see,
a character's quests. Each function costs a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from narrative.models import (
    Faction,
    FactionRelation,
    LoreDiscovery,
    LoreEntry,
    QuestAssignment,
    QuestStep,
    RelationModifier,
)
from narrative.relations import Modifier, current_standing, stance_for
from world.models import Character, WorldClock


def current_tick_get() -> int:
    """The world's tick (0 before the clock exists)."""
    return WorldClock.objects.filter(pk=WorldClock.SINGLETON_ID).values_list("tick", flat=True).first() or 0


def active_modifiers_qs(*, tick: int) -> QuerySet[RelationModifier]:
    """Modifiers whose duration has not run out at `tick`."""
    from django.db.models import F

    return RelationModifier.objects.filter(
        Q(duration_ticks__isnull=True) | Q(started_tick__gt=tick - F("duration_ticks"))
    )


def _as_modifier(row: RelationModifier) -> Modifier:
    return Modifier(value=row.value, started_tick=row.started_tick, duration_ticks=row.duration_ticks, decay=row.decay)


def relation_standings(
    *, tick: int, faction_ids: list[int] | None = None, relation_ids: list[int] | None = None
) -> dict[tuple[int, int], int]:
    """Current standing of every relation (faction_id, other_id) → standing, in two queries."""
    relations = FactionRelation.objects.all()
    if faction_ids is not None:
        relations = relations.filter(faction_id__in=faction_ids)
    if relation_ids is not None:
        relations = relations.filter(id__in=relation_ids)
    rows = relations.values_list("id", "faction_id", "other_id", "standing")
    bases = {relation_id: (faction_id, other_id, base) for relation_id, faction_id, other_id, base in rows}
    by_relation: dict[int, list[Modifier]] = {}
    for row in active_modifiers_qs(tick=tick).filter(relation_id__in=list(bases)):
        by_relation.setdefault(row.relation_id, []).append(_as_modifier(row))
    return {
        (faction_id, other_id): current_standing(base=base, modifiers=by_relation.get(relation_id, ()), tick=tick)
        for relation_id, (faction_id, other_id, base) in bases.items()
    }


@dataclass(frozen=True)
class FactionView:
    faction: Faction
    relations: list[dict]


def factions_list(*, slug: str | None = None) -> list[FactionView]:
    """Every faction (or the one with `slug`) and how it regards each other faction now
    (four queries whatever the number of factions). A pair without a relation row counts as
    a neutral 0."""
    tick = current_tick_get()
    everyone = list(Faction.objects.all())
    chosen = [f for f in everyone if slug is None or f.slug == slug]
    standings = relation_standings(tick=tick, faction_ids=[f.id for f in chosen])
    views = []
    for faction in chosen:
        relations = []
        for other in everyone:
            if other.id == faction.id:
                continue
            standing = standings.get((faction.id, other.id), 0)
            relations.append({"faction": other, "standing": standing, "stance": stance_for(standing)})
        views.append(FactionView(faction=faction, relations=relations))
    return views


# --- Lore ------------------------------------------------------------------------------------


def lore_visible_qs(*, user, character: Character | None) -> QuerySet[LoreEntry]:
    """The entries `user` may read: everything for staff; for others, all but the secrets
    their character has not discovered."""
    entries = LoreEntry.objects.all()
    if user.is_staff or user.is_superuser:
        return entries
    if character is None:
        return entries.exclude(category=LoreEntry.Category.SECRET)
    known = LoreDiscovery.objects.filter(entry_id=OuterRef("pk"), character_id=character.id)
    return entries.filter(~Q(category=LoreEntry.Category.SECRET) | Exists(known))


def lore_list(*, user, character: Character | None, search: str = "", category: str = "") -> QuerySet[LoreEntry]:
    """Visible entries matching `search` (title, summary or body) and `category`, by title."""
    entries = lore_visible_qs(user=user, character=character)
    if category:
        entries = entries.filter(category=category)
    if search:
        entries = entries.filter(Q(title__icontains=search) | Q(summary__icontains=search) | Q(body__icontains=search))
    return entries.prefetch_related(
        Prefetch("factions", queryset=Faction.objects.only("id", "slug", "name")),
        Prefetch("locations", queryset=_locations_only()),
    ).order_by("title", "id")


def _locations_only():
    from world.models import Location

    return Location.objects.only("id", "slug", "name")


def lore_get(*, user, character: Character | None, slug: str) -> LoreEntry | None:
    return lore_list(user=user, character=character).filter(slug=slug).first()


# --- Quests ----------------------------------------------------------------------------------


def character_quests_list(*, character_id: int, status: str) -> list[QuestAssignment]:
    """The character's quest assignments with `status`, their quest, faction and steps
    (two queries)."""
    return list(
        QuestAssignment.objects.filter(character_id=character_id, status=status)
        .select_related("quest__faction", "current_step")
        .prefetch_related(Prefetch("quest__steps", queryset=QuestStep.objects.order_by("order")))
        .order_by("-updated_at", "-id")
    )
