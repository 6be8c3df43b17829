"""Reads of the narrative app: factions with their current relations, lore a reader may see,
a character's quests. Each function costs a constant number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import RowNumber

from narrative.models import (
    Faction,
    FactionRelation,
    LoreDiscovery,
    LoreEntry,
    Quest,
    QuestAssignment,
    QuestStep,
    RelationModifier,
)
from narrative.relations import Modifier, current_standing, modifier_value, stance_for
from world.models import Character, GameEvent, WorldClock


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
    both = relation_bases_and_standings(tick=tick, faction_ids=faction_ids, relation_ids=relation_ids)
    return {pair: current for pair, (_, current) in both.items()}


def relation_bases_and_standings(
    *, tick: int, faction_ids: list[int] | None = None, relation_ids: list[int] | None = None
) -> dict[tuple[int, int], tuple[int, int]]:
    """(faction_id, other_id) → (designer-set base, current standing) of every relation, in
    two queries."""
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
        (faction_id, other_id): (
            base,
            current_standing(base=base, modifiers=by_relation.get(relation_id, ()), tick=tick),
        )
        for relation_id, (faction_id, other_id, base) in bases.items()
    }


def modifiers_faded_ids(*, tick: int) -> list[int]:
    """Ids of the modifiers still within their duration that have decayed to 0 by `tick`
    (one query; the same arithmetic as the standings, so removing them changes none)."""
    candidates = active_modifiers_qs(tick=tick).filter(Q(decay__gt=0) | Q(value=0))
    rows = candidates.only("id", "value", "started_tick", "duration_ticks", "decay").order_by("id")
    return [row.id for row in rows if modifier_value(modifier=_as_modifier(row), tick=tick) == 0]


def relation_stances_told(*, faction_slugs: Iterable[str] | None = None) -> dict[tuple[str, str], str]:
    """(faction slug, other slug) → the stance last announced in a FACTION_RELATION_CHANGED,
    for the relations of `faction_slugs` (None: all) that ever had one (one query)."""
    from narrative.services import FACTION_RELATION_CHANGED  # it imports this module

    events = GameEvent.objects.filter(type=FACTION_RELATION_CHANGED).annotate(
        faction_slug=KeyTextTransform("faction", "payload"),
        other_slug=KeyTextTransform("other", "payload"),
        told=KeyTextTransform("stance", "payload"),
    )
    if faction_slugs is not None:
        events = events.filter(payload__faction__in=sorted(faction_slugs))
    latest = events.annotate(
        rank=Window(RowNumber(), partition_by=[F("faction_slug"), F("other_slug")], order_by=F("id").desc())
    ).filter(rank=1)
    return {(faction, other): told for faction, other, told in latest.values_list("faction_slug", "other_slug", "told")}


@dataclass(frozen=True)
class MemberFacts:
    """What faction dynamics need of a character: its faction, stored mood and place."""

    faction_id: int | None
    mood: str | None
    location_id: int | None
    location_name: str


def members_facts_get(*, character_ids: set[int]) -> dict[int, MemberFacts]:
    """Faction, stored mood and place of each of these characters (one query)."""
    if not character_ids:
        return {}
    rows = (
        Character.objects.filter(id__in=sorted(character_ids))
        .annotate(mood=KeyTextTransform("mood", "emotional_state"))
        .values_list("id", "faction_id", "mood", "location_id", "location__name")
    )
    return {
        character_id: MemberFacts(faction_id, mood, location_id, location_name or "")
        for character_id, faction_id, mood, location_id, location_name in rows
    }


def factions_present_get(*, location_ids: set[int]) -> dict[int, set[int]]:
    """Location id → the factions with an active member there now (one query, one row per
    place and faction however many members)."""
    if not location_ids:
        return {}
    rows = (
        Character.objects.filter(location_id__in=sorted(location_ids), is_active=True, faction__isnull=False)
        .values_list("location_id", "faction_id")
        .order_by()
        .distinct()
    )
    present: dict[int, set[int]] = {}
    for location_id, faction_id in rows:
        present.setdefault(location_id, set()).add(faction_id)
    return present


def quests_completed_by_faction(*, after_tick: int, up_to_tick: int) -> dict[int, int]:
    """Faction id → how many of its quests were completed in ticks (after_tick, up_to_tick]
    (two queries: the QUEST_COMPLETED events by quest, then the quests' factions)."""
    from narrative.quest_services import QUEST_COMPLETED  # it imports this module

    per_quest = dict(
        GameEvent.objects.filter(type=QUEST_COMPLETED, tick__gt=after_tick, tick__lte=up_to_tick)
        .annotate(quest_slug=KeyTextTransform("quest", "payload"))
        .values("quest_slug")
        .annotate(completed=Count("id"))
        .order_by()
        .values_list("quest_slug", "completed")
    )
    per_quest.pop(None, None)
    if not per_quest:
        return {}
    completed: dict[int, int] = {}
    quests = Quest.objects.filter(slug__in=list(per_quest), faction__isnull=False).values_list("slug", "faction_id")
    for slug, faction_id in quests:
        completed[faction_id] = completed.get(faction_id, 0) + per_quest[slug]
    return completed


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


QUEST_OFFERED = "available"  # the `status` that lists quests on offer rather than held ones


@dataclass(frozen=True)
class QuestOffer:
    """A quest the character could accept, shaped like an assignment that does not exist yet."""

    quest: Quest
    id: None = None
    status: str = QUEST_OFFERED
    step_started_tick: None = None
    deadline_tick: None = None
    current_step: None = None


def character_quests_list(*, character_id: int, status: str) -> list[QuestAssignment] | list[QuestOffer]:
    """The character's quest assignments with `status`, their quest, faction, giver and steps
    (two queries); with status "available", the quests on offer that it does not hold or
    has not completed, newest first."""
    quests_related = ("quest__faction", "quest__giver__location")
    steps = Prefetch("quest__steps", queryset=QuestStep.objects.order_by("order"))
    if status == QUEST_OFFERED:
        held = QuestAssignment.objects.filter(
            character_id=character_id,
            quest_id=OuterRef("pk"),
            status__in=[QuestAssignment.Status.ACTIVE, QuestAssignment.Status.COMPLETED],
        )
        offered = (
            Quest.objects.filter(status=Quest.Status.AVAILABLE)
            .exclude(Exists(held))
            .exclude(giver_id=character_id)
            .select_related("faction", "giver__location")
            .prefetch_related(Prefetch("steps", queryset=QuestStep.objects.order_by("order")))
            .order_by("-created_tick", "title", "id")
        )
        return [QuestOffer(quest=quest) for quest in offered]
    return list(
        QuestAssignment.objects.filter(character_id=character_id, status=status)
        .select_related(*quests_related, "current_step")
        .prefetch_related(steps)
        .order_by("-updated_at", "-id")
    )
