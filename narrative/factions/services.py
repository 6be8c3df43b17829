"""Writes of faction affairs: opinion modifiers on relations, and faction dynamics at work on
the world, relations that move with what members do and factions' status and power that
follow (the rules are `narrative.factions.incidents` and `narrative.factions.logic`).

- `faction_modifiers_add_many` / `faction_modifier_add`: opinion modifiers, publishing
  FACTION_RELATION_CHANGED when a stance changes to another than the one last told.
- `faction_incidents_apply`: the tick's gifts, kind words, trades, clashes, thefts and
  betrayals become opinion modifiers.
- `factions_review`: every faction's status and power reviewed; FACTION_STATUS_CHANGED when a
  status changes; FACTION_RELATION_CHANGED for stances that moved as modifiers faded;
  modifiers that no longer count are pruned; an overextended faction draws rivals
  (`rivals_drawn`); pacts (alliances, treaties, rivalries) are made from what the factions'
  people think of each other (`faction_pacts_review`).

Each costs a constant number of queries, whatever the world's size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from htrae.vocabulary import EventType
from narrative.factions.incidents import (
    CREATE,
    INCIDENT_DECAY,
    INCIDENT_DURATION_TICKS,
    deed_from_event,
    faction_incidents,
)
from narrative.factions.logic import (
    QUEST_WINDOW_TICKS,
    RIVAL_WARINESS,
    RIVAL_WARINESS_DECAY,
    RIVAL_WARINESS_DURATION_TICKS,
    FactionFacts,
    average_regard,
    faction_reviews,
    overextended,
    stance_drifts,
)
from narrative.factions.pacts import PACT_DURATION_TICKS, PACT_KINDS, PACT_LABEL, pact_value, pacts_made
from narrative.factions.relations import stance_for
from narrative.factions.selectors import (
    factions_present_get,
    members_facts_get,
    modifiers_faded_ids,
    quests_completed_by_faction,
    relation_bases_and_standings,
    relation_stances_told,
    relation_standings,
)
from narrative.models import Faction, FactionRelation, RelationModifier
from relationships.selectors import faction_feelings
from world.events import EventDraft, publish_many
from world.models import GameEvent

# --- Opinion modifiers -----------------------------------------------------------------------


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
        type=EventType.FACTION_RELATION_CHANGED,
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


# --- Faction dynamics ------------------------------------------------------------------------


def faction_incidents_apply(
    *, events: Iterable[GameEvent], tick: int, moods: Mapping[int, str] | None = None
) -> list[RelationModifier]:
    """Turn the deeds among `events` into incidents between factions and add them as opinion
    modifiers. `moods`: the moods the actors acted in (the tick's start); a character not in
    it counts with its stored mood.

    Up to five queries before the writes (members; factions present where something was made;
    standings), none at all when no event is a deed.
    """
    deeds = [
        deed
        for event in events
        if (
            deed := deed_from_event(
                type=event.type, actor_id=event.actor_id, location_id=event.location_id, payload=event.payload or {}
            )
        )
    ]
    if not deeds:
        return []
    people = {deed.actor_id for deed in deeds} | {deed.listener_id for deed in deeds if deed.listener_id}
    members = members_facts_get(character_ids=people)
    factions = {character_id: member.faction_id for character_id, member in members.items()}
    acting = [deed for deed in deeds if factions.get(deed.actor_id) is not None]
    if not acting:
        return []
    made_at = {deed.location_id for deed in acting if deed.kind == CREATE}
    present = factions_present_get(location_ids=made_at)
    involved = {faction_id for faction_id in factions.values() if faction_id is not None}
    involved |= {faction_id for here in present.values() for faction_id in here}
    if len(involved) < 2:  # one faction alone has no one to regard
        return []
    moods = moods or {}
    both = relation_bases_and_standings(tick=tick, faction_ids=sorted(involved))
    incidents = faction_incidents(
        deeds=acting,
        factions=factions,
        moods={cid: moods.get(cid) or member.mood or "calm" for cid, member in members.items()},
        present=present,
        standings={pair: current for pair, (_, current) in both.items()},
        bases={pair: base for pair, (base, _) in both.items()},
        place_names={m.location_id: m.location_name for m in members.values() if m.location_id is not None},
    )
    changes = [
        ModifierChange(
            faction_id=incident.faction_id,
            other_id=incident.other_id,
            value=incident.value,
            reason=incident.reason,
            duration_ticks=INCIDENT_DURATION_TICKS,
            decay=INCIDENT_DECAY,
        )
        for incident in incidents
    ]
    return faction_modifiers_add_many(changes=changes, tick=tick)


def factions_review(*, tick: int) -> list[GameEvent]:
    """Prune the modifiers that no longer count; tell of the stances that moved as modifiers
    faded (FACTION_RELATION_CHANGED); review every faction's status and power from how the
    others' regard for it has moved and the quests completed for it lately, each against the
    average faction's, store what changed and publish EventType.FACTION_STATUS_CHANGED for each status
    that changed. About ten queries; returns the events published."""
    relation_modifiers_prune(tick=tick)
    factions = list(Faction.objects.only("id", "slug", "name", "status", "power").order_by("id"))
    both = relation_bases_and_standings(tick=tick)
    drafts = _stance_drift_drafts(factions=factions, standings=both, tick=tick)
    bases = {pair: base for pair, (base, _) in both.items()}
    current = {pair: standing for pair, (_, standing) in both.items()}
    quests = quests_completed_by_faction(after_tick=tick - QUEST_WINDOW_TICKS, up_to_tick=tick)
    facts: dict[int, FactionFacts] = {}
    for faction in factions:
        regard, shift = average_regard(toward=faction.id, bases=bases, current=current)
        facts[faction.id] = FactionFacts(
            status=faction.status,
            power=faction.power,
            regard=regard,
            shift=shift,
            quests_completed=quests.get(faction.id, 0),
        )
    reviews = faction_reviews(facts)
    now = timezone.now()
    updated: list[Faction] = []
    for faction in factions:
        review, seen = reviews[faction.id], facts[faction.id]
        if (review.status, review.power) == (faction.status, faction.power):
            continue
        if review.status != faction.status:
            drafts.append(
                EventDraft(
                    type=EventType.FACTION_STATUS_CHANGED,
                    payload={
                        "faction": faction.slug,
                        "faction_name": faction.name,
                        "status_before": faction.status,
                        "status": review.status,
                        "power_before": faction.power,
                        "power": review.power,
                        "regard": seen.regard,
                        "shift": seen.shift,
                        "quests_completed": seen.quests_completed,
                        "momentum": review.momentum,
                        "reason": review.reason,
                    },
                    tick=tick,
                )
            )
        faction.status, faction.power, faction.updated_at = review.status, review.power, now
        updated.append(faction)
    if updated:
        Faction.objects.bulk_update(updated, ["status", "power", "updated_at"])
    published = publish_many(drafts) if drafts else []
    rivals_drawn(factions=factions, powers={f.id: reviews[f.id].power for f in factions}, tick=tick)
    faction_pacts_review(faction_ids=[faction.id for faction in factions], standings=current, tick=tick)
    return published


def faction_pacts_review(
    *, faction_ids: list[int], standings: Mapping[tuple[int, int], int], tick: int
) -> list[RelationModifier]:
    """Alliances, treaties and rivalries made from what the factions' people think of each
    other (`narrative.factions.pacts`), each a modifier both ways for its duration. Two
    queries, and the writes."""
    in_force = Q()
    for kind in PACT_KINDS:
        in_force |= Q(reason__startswith=PACT_LABEL[kind])
    bound = {
        (min(pair), max(pair))
        for pair in RelationModifier.objects.filter(in_force, started_tick__gt=tick - F("duration_ticks"))
        .order_by("id")
        .values_list("relation__faction_id", "relation__other_id")
    }
    pacts = pacts_made(faction_ids=faction_ids, standings=standings, feelings=faction_feelings(tick=tick), bound=bound)
    changes = [
        ModifierChange(
            faction_id=faction_id,
            other_id=other_id,
            value=pact_value(pact.kind, standings.get((faction_id, other_id), 0)),
            reason=pact.reason,
            duration_ticks=PACT_DURATION_TICKS[pact.kind],
            decay=0.0,
        )
        for pact in pacts
        for faction_id, other_id in ((pact.faction_id, pact.other_id), (pact.other_id, pact.faction_id))
    ]
    return faction_modifiers_add_many(changes=changes, tick=tick)


def rivals_drawn(*, factions: list[Faction], powers: Mapping[int, int], tick: int) -> list[RelationModifier]:
    """Every faction grows warier of each overextended one (`logic.overextended`): a fading
    modifier, so a strong faction's regard, and with it its momentum, sinks while it stays
    strong. A constant number of queries."""
    changes = [
        ModifierChange(
            faction_id=other.id,
            other_id=strong.id,
            value=RIVAL_WARINESS,
            reason=f"wary of {strong.name}'s reach",
            duration_ticks=RIVAL_WARINESS_DURATION_TICKS,
            decay=RIVAL_WARINESS_DECAY,
        )
        for strong in factions
        if overextended(powers[strong.id])
        for other in factions
        if other.id != strong.id
    ]
    return faction_modifiers_add_many(changes=changes, tick=tick)


def _stance_drift_drafts(
    *, factions: list[Faction], standings: dict[tuple[int, int], tuple[int, int]], tick: int
) -> list[EventDraft]:
    """FACTION_RELATION_CHANGED for the stances that moved unannounced (one query)."""
    by_id = {faction.id: faction for faction in factions}
    by_slug = {faction.slug: faction.id for faction in factions}
    told = {
        (by_slug[faction], by_slug[other]): stance
        for (faction, other), stance in relation_stances_told().items()
        if faction in by_slug and other in by_slug
    }
    return [
        relation_changed_draft(
            faction=by_id[drift.faction_id],
            other=by_id[drift.other_id],
            standing_before=None,
            standing=standings[(drift.faction_id, drift.other_id)][1],
            stance_before=drift.told,
            stance=drift.stance,
            reason=drift.reason,
            tick=tick,
        )
        for drift in stance_drifts(standings=standings, told=told)
    ]


def relation_modifiers_prune(*, tick: int) -> int:
    """Delete the modifiers that no longer count at `tick`: their duration has run out, or
    they have decayed to 0 (two queries). Standings are unchanged; the table stops growing.
    Returns how many were deleted."""
    expired = Q(duration_ticks__isnull=False, started_tick__lte=tick - F("duration_ticks"))
    deleted, _ = RelationModifier.objects.filter(expired | Q(id__in=modifiers_faded_ids(tick=tick))).delete()
    return deleted
