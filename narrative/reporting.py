"""What the liveliness report (`world.reporting`) learns of factions and quests (issue 12's
targets, `world.reporting.stakes`): after each tick, every relation's standing, every
faction's power and the incidents (kind words, clashes, ...) added that tick; at the end,
every emergent quest with its outcome and the quest it follows in a chain. Registered in
`narrative.apps`; read-only, so a world sampled ticks exactly as one not sampled."""

from __future__ import annotations

from narrative.factions.incidents import INCIDENT_KINDS, INCIDENT_LABEL
from narrative.factions.pacts import PACT_KINDS, pact_kind_of
from narrative.factions.selectors import current_tick_get, relation_standings
from narrative.models import Faction, Quest, QuestAssignment, RelationModifier
from world.reporting.stakes import EMERGENT_QUESTS, FACTION_INCIDENTS, FACTION_POWER, FACTION_STANDINGS


def incident_kind_of(reason: str) -> str | None:
    """The incident (or pact) kind a modifier's reason names ('kind words at Mossgate' →
    kind_word, 'an alliance (...)' → alliance)."""
    for kind in INCIDENT_KINDS:
        singular, plural = INCIDENT_LABEL[kind]
        if reason in (singular, plural) or reason.startswith((f"{singular} at ", f"{plural} at ")):
            return kind
    return pact_kind_of(reason)


def factions_tick_sample() -> dict:
    """Standings, power and this tick's incidents (five queries)."""
    tick = current_tick_get()
    factions = list(Faction.objects.order_by("id").values_list("id", "slug", "power"))
    slugs = {faction_id: slug for faction_id, slug, _ in factions}
    powers = {slug: power for _, slug, power in factions}
    standings = {
        (slugs[faction_id], slugs[other_id]): standing
        for (faction_id, other_id), standing in sorted(relation_standings(tick=tick).items())
        if faction_id in slugs and other_id in slugs
    }
    incidents = {kind: 0 for kind in (*INCIDENT_KINDS, *PACT_KINDS)}
    for reason in RelationModifier.objects.filter(started_tick=tick).order_by("id").values_list("reason", flat=True):
        kind = incident_kind_of(reason)
        if kind is not None:
            incidents[kind] += 1
    return {FACTION_STANDINGS: standings, FACTION_POWER: powers, FACTION_INCIDENTS: incidents}


def emergent_quests_final(*, first_tick: int) -> dict:
    """Every emergent quest started after `first_tick`: its title, when it started, how its
    holder's assignment ended (active, completed, failed, abandoned), whether it was
    archived, and the quest it follows in a chain (two queries)."""
    outcomes = dict(
        QuestAssignment.objects.filter(quest__is_emergent=True, quest__created_tick__gt=first_tick)
        .order_by("id")
        .values_list("quest_id", "status")
    )
    rows = (
        Quest.objects.filter(is_emergent=True, created_tick__gt=first_tick)
        .order_by("id")
        .values_list("id", "title", "created_tick", "status", "follows_id")
    )
    return {
        EMERGENT_QUESTS: tuple(
            {
                "id": quest_id,
                "title": title,
                "started_tick": created_tick,
                "outcome": outcomes.get(quest_id, QuestAssignment.Status.ACTIVE),
                "archived": status == Quest.Status.ARCHIVED,
                "follows_id": follows_id,
            }
            for quest_id, title, created_tick, status, follows_id in rows
        )
    }
