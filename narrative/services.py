"""Writes of the narrative app: opinion modifiers on faction relations, lore discoveries,
and quest progress (steps advanced by what happens in the world)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from narrative.models import (
    Faction,
    FactionRelation,
    LoreDiscovery,
    LoreEntry,
    QuestAssignment,
    QuestStep,
    RelationModifier,
)
from narrative.quest_logic import EventFacts, HolderFacts, StepFacts, next_step, step_met
from narrative.relations import stance_for
from narrative.selectors import relation_standings
from world.events import EventDraft, publish_many
from world.models import Character, GameEvent

FACTION_RELATION_CHANGED = "FACTION_RELATION_CHANGED"
QUEST_STEP_COMPLETED = "QUEST_STEP_COMPLETED"
QUEST_COMPLETED = "QUEST_COMPLETED"
NARRATIVE_EVENT_TYPES = frozenset({FACTION_RELATION_CHANGED, QUEST_STEP_COMPLETED, QUEST_COMPLETED})


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
    relation whose stance changed."""
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
        modifier.full_clean(exclude=["relation"])
    modifiers = RelationModifier.objects.bulk_create(modifiers)

    after = relation_standings(tick=tick, relation_ids=relation_ids)
    changed = [pair for pair in sorted(pairs) if stance_for(before.get(pair, 0)) != stance_for(after.get(pair, 0))]
    if changed:
        ids = {faction_id for pair in changed for faction_id in pair}
        factions = {f.id: f for f in Faction.objects.filter(id__in=ids).only("id", "slug", "name")}
        reasons = {(c.faction_id, c.other_id): c.reason[:200] for c in changes}
        publish_many(
            [
                EventDraft(
                    type=FACTION_RELATION_CHANGED,
                    payload={
                        "faction": factions[faction_id].slug,
                        "faction_name": factions[faction_id].name,
                        "other": factions[other_id].slug,
                        "other_name": factions[other_id].name,
                        "standing_before": before.get((faction_id, other_id), 0),
                        "standing": after[(faction_id, other_id)],
                        "stance_before": stance_for(before.get((faction_id, other_id), 0)),
                        "stance": stance_for(after[(faction_id, other_id)]),
                        "reason": reasons[(faction_id, other_id)],
                    },
                    tick=tick,
                )
                for faction_id, other_id in changed
            ]
        )
    return modifiers


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


# --- Quest progress --------------------------------------------------------------------------

_STEP_FIELDS = (
    "id",
    "quest_id",
    "order",
    "objective_type",
    "target_location_id",
    "target_character_id",
    "target_object_id",
    "wait_ticks",
    "event_type",
)


def _event_facts(event: GameEvent) -> EventFacts:
    payload = event.payload or {}
    target = payload.get("target") if isinstance(payload.get("target"), dict) else {}
    return EventFacts(
        type=event.type,
        actor_id=event.actor_id,
        location_id=event.location_id,
        listener_id=payload.get("listener_id"),
        target_type=target.get("type"),
        target_id=target.get("id"),
    )


def quests_advance(*, events: list[GameEvent], tick: int, include_waits: bool = False) -> list[int]:
    """Advance every active quest assignment whose current step `events` (or, with
    `include_waits`, the passing of time) meet; complete the quests whose last step is done,
    granting `rewards.standing` and publishing QUEST_STEP_COMPLETED / QUEST_COMPLETED.

    A constant number of queries: nothing at all when no assignment could be concerned.
    Returns the ids of the assignments advanced.

    Standing rewards: `{"standing": {"<faction slug>": value}}` adds a permanent modifier to
    how that faction regards the holder's faction (nothing if the holder has none or it is
    that same faction).
    """
    facts = [_event_facts(event) for event in events if event.type not in NARRATIVE_EVENT_TYPES]
    concerned = Q()
    people = {f.actor_id for f in facts if f.actor_id} | {f.listener_id for f in facts if f.listener_id}
    if people:
        concerned |= Q(character_id__in=people)
    types = {f.type for f in facts}
    if types:
        worldwide = {f.type for f in facts if f.location_id is None}
        places = {f.location_id for f in facts if f.location_id is not None}
        witness = Q(current_step__objective_type=QuestStep.Objective.WITNESS_EVENT)
        concerned |= witness & (
            Q(current_step__event_type__in=worldwide)
            | Q(current_step__event_type__in=types, character__location_id__in=places)
        )
    if include_waits:
        concerned |= Q(current_step__objective_type=QuestStep.Objective.WAIT)
    if not concerned:
        return []
    rows = list(
        QuestAssignment.objects.filter(concerned, status=QuestAssignment.Status.ACTIVE, current_step__isnull=False)
        .values(
            "id",
            "character_id",
            "character__location_id",
            "character__faction_id",
            "step_started_tick",
            "quest__title",
            "quest__slug",
            "quest__rewards",
            *(f"current_step__{name}" for name in _STEP_FIELDS),
        )
        .order_by("id")
    )
    if not rows:
        return []
    holders = {
        row["id"]: HolderFacts(
            assignment_id=row["id"],
            character_id=row["character_id"],
            location_id=row["character__location_id"],
            step=StepFacts(**{name: row[f"current_step__{name}"] for name in _STEP_FIELDS}),
            step_started_tick=row["step_started_tick"],
        )
        for row in rows
    }
    targets = {h.step.target_character_id for h in holders.values() if h.step.objective_type == "talk_to"}
    targets.discard(None)
    locations = dict(Character.objects.filter(id__in=targets).values_list("id", "location_id")) if targets else {}
    met = [h for h in holders.values() if step_met(holder=h, events=facts, tick=tick, locations=locations)]
    if not met:
        return []
    return _quest_steps_complete(met=met, rows={row["id"]: row for row in rows}, tick=tick)


def _quest_steps_complete(*, met: list[HolderFacts], rows: dict[int, dict], tick: int) -> list[int]:
    quest_ids = {h.step.quest_id for h in met}
    steps = [StepFacts(**row) for row in QuestStep.objects.filter(quest_id__in=quest_ids).values(*_STEP_FIELDS)]
    now = timezone.now()
    updates: list[QuestAssignment] = []
    drafts: list[EventDraft] = []
    rewards: list[ModifierChange] = []
    reward_slugs: dict[int, dict] = {}
    for holder in met:
        row = rows[holder.assignment_id]
        following = next_step(steps=steps, current=holder.step)
        payload = {
            "assignment_id": holder.assignment_id,
            "character_id": holder.character_id,
            "quest": row["quest__slug"],
            "quest_title": row["quest__title"],
            "step": holder.step.order,
        }
        drafts.append(
            EventDraft(
                type=QUEST_STEP_COMPLETED,
                payload=payload,
                tick=tick,
                location_id=holder.location_id,
                actor_id=holder.character_id,
            )
        )
        if following is not None:
            updates.append(
                QuestAssignment(
                    id=holder.assignment_id,
                    current_step_id=following.id,
                    status=QuestAssignment.Status.ACTIVE,
                    step_started_tick=tick,
                    updated_at=now,
                )
            )
            continue
        updates.append(
            QuestAssignment(
                id=holder.assignment_id,
                current_step_id=holder.step.id,
                status=QuestAssignment.Status.COMPLETED,
                step_started_tick=holder.step_started_tick,
                updated_at=now,
            )
        )
        standing = (row["quest__rewards"] or {}).get("standing") or {}
        reward_slugs[holder.assignment_id] = standing if isinstance(standing, dict) else {}
        drafts.append(
            EventDraft(
                type=QUEST_COMPLETED,
                payload={**payload, "rewards": row["quest__rewards"] or {}},
                tick=tick,
                location_id=holder.location_id,
                actor_id=holder.character_id,
            )
        )
    QuestAssignment.objects.bulk_update(updates, ["current_step", "status", "step_started_tick", "updated_at"])

    slugs = {slug for standing in reward_slugs.values() for slug in standing}
    if slugs:
        by_slug = dict(Faction.objects.filter(slug__in=slugs).values_list("slug", "id"))
        for assignment_id, standing in reward_slugs.items():
            row = rows[assignment_id]
            holder_faction = row["character__faction_id"]
            for slug, value in standing.items():
                giver = by_slug.get(slug)
                if holder_faction is None or giver is None or giver == holder_faction or not isinstance(value, int):
                    continue
                rewards.append(
                    ModifierChange(
                        faction_id=giver,
                        other_id=holder_faction,
                        value=max(-200, min(200, value)),
                        reason=f"Quest completed: {row['quest__title']}",
                    )
                )
    faction_modifiers_add_many(changes=rewards, tick=tick)
    publish_many(drafts)
    return [holder.assignment_id for holder in met]
