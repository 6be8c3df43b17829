"""Reads of faction affairs: relations' standings now, the stances last told, what faction
dynamics need of members and places, factions with their relations. Each function costs a
constant number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import RowNumber

from htrae.vocabulary import EventType
from narrative.factions.relations import Modifier, current_standing, modifier_value, stance_for
from narrative.models import Faction, FactionRelation, Quest, RelationModifier
from world.models import Character, GameEvent, WorldClock


def current_tick_get() -> int:
    """The world's tick (0 before the clock exists)."""
    return WorldClock.objects.filter(pk=WorldClock.SINGLETON_ID).values_list("tick", flat=True).first() or 0


def active_modifiers_qs(*, tick: int) -> QuerySet[RelationModifier]:
    """Modifiers whose duration has not run out at `tick`."""
    return RelationModifier.objects.filter(
        Q(duration_ticks__isnull=True) | Q(started_tick__gt=tick - F("duration_ticks"))
    )


# A modifier as plain values: a crowded world keeps hundreds active, and every read of the
# standings (each `/api/factions`, each tick) builds them all; as model instances they were
# two thirds of `/api/factions`'s CPU.
_MODIFIER_FIELDS = ("value", "started_tick", "duration_ticks", "decay")


def _as_modifier(value: int, started_tick: int, duration_ticks: int | None, decay: float) -> Modifier:
    return Modifier(value=value, started_tick=started_tick, duration_ticks=duration_ticks, decay=decay)


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
    modifiers = active_modifiers_qs(tick=tick).filter(relation_id__in=list(bases)).order_by("id")
    for relation_id, *values in modifiers.values_list("relation_id", *_MODIFIER_FIELDS):
        by_relation.setdefault(relation_id, []).append(_as_modifier(*values))
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
    rows = candidates.order_by("id").values_list("id", *_MODIFIER_FIELDS)
    return [
        modifier_id for modifier_id, *values in rows if modifier_value(modifier=_as_modifier(*values), tick=tick) == 0
    ]


def relation_stances_told(*, faction_slugs: Iterable[str] | None = None) -> dict[tuple[str, str], str]:
    """(faction slug, other slug) → the stance last announced in a FACTION_RELATION_CHANGED,
    for the relations of `faction_slugs` (None: all) that ever had one (one query)."""
    events = GameEvent.objects.filter(type=EventType.FACTION_RELATION_CHANGED).annotate(
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
        Character.objects.filter(id__any=sorted(character_ids))
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
        Character.objects.filter(location_id__any=sorted(location_ids), is_active=True, faction__isnull=False)
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
    per_quest = dict(
        GameEvent.objects.filter(type=EventType.QUEST_COMPLETED, tick__gt=after_tick, tick__lte=up_to_tick)
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
