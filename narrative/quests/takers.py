"""NPCs take designers' quests: an NPC holding no quest, standing by a quest's giver, of its
faction, takes it up as a player would (`narrative.quests.logic.designer_quest_takers`
chooses; this module loads the facts and writes), publishing QUEST_ACCEPTED. Its steps then
become the NPC's intentions (`narrative.quests.intentions`); a quest without a deadline of its
own is given `NPC_DESIGNER_QUEST_TICKS`, after which the NPC gives up (it fails)."""

from __future__ import annotations

from htrae.vocabulary import EventType
from narrative.models import Quest, QuestAssignment, QuestStep
from narrative.quests.logic import IdleFacts, OfferFacts, designer_quest_takers
from narrative.quests.services import quest_event_draft, quest_payload
from world.events import publish_many
from world.models import Character

NPC_DESIGNER_QUEST_TICKS = 240
DESIGNER_TAKERS_PER_PASS = 2
IDLE_LOOKED_AT = 400  # NPCs by the givers looked at in one pass, at most


def designer_quests_take_up(*, tick: int, seed: int) -> list[QuestAssignment]:
    """Idle NPCs take up designers' quests on offer (a constant number of queries)."""
    offered = list(
        Quest.objects.filter(is_emergent=False, status=Quest.Status.AVAILABLE, giver__isnull=False)
        .exclude(assignments__status=QuestAssignment.Status.ACTIVE, assignments__character__kind=Character.Kind.NPC)
        .order_by("id")
        .values_list("id", "giver_id", "giver__location_id", "faction_id", "giver__faction_id")
    )
    if not offered:
        return []
    tried: dict[int, set[int]] = {}
    for quest_id, character_id in QuestAssignment.objects.filter(quest_id__in=[row[0] for row in offered]).values_list(
        "quest_id", "character_id"
    ):
        tried.setdefault(quest_id, set()).add(character_id)
    places = {row[2] for row in offered if row[2] is not None}
    idle = [
        IdleFacts(character_id, location_id, faction_id)
        for character_id, location_id, faction_id in Character.objects.filter(
            kind=Character.Kind.NPC, is_active=True, location_id__in=places
        )
        .exclude(quest_assignments__status=QuestAssignment.Status.ACTIVE)
        .order_by("id")
        .values_list("id", "location_id", "faction_id")[:IDLE_LOOKED_AT]
    ]
    offers = [
        OfferFacts(quest_id, giver_id, place, faction_id or giver_faction_id, frozenset(tried.get(quest_id, ())))
        for quest_id, giver_id, place, faction_id, giver_faction_id in offered
    ]
    pairs = designer_quest_takers(offers=offers, idle=idle, seed=seed, tick=tick, limit=DESIGNER_TAKERS_PER_PASS)
    if not pairs:
        return []
    quests = Quest.objects.in_bulk([quest_id for quest_id, _ in pairs])
    first_steps: dict[int, QuestStep] = {}
    for step in QuestStep.objects.filter(quest_id__in=list(quests)).order_by("quest_id", "-order"):
        first_steps[step.quest_id] = step  # descending: the lowest order is written last
    places_of = {c.character_id: c.location_id for c in idle}
    pairs = [(quest_id, character_id) for quest_id, character_id in pairs if quest_id in first_steps]
    assignments = QuestAssignment.objects.bulk_create(
        [
            QuestAssignment(
                character_id=character_id,
                quest_id=quest_id,
                current_step=first_steps[quest_id],
                step_started_tick=tick,
                deadline_tick=tick + NPC_DESIGNER_QUEST_TICKS,
            )
            for quest_id, character_id in pairs
        ]
    )
    publish_many(
        [
            quest_event_draft(
                EventType.QUEST_ACCEPTED,
                {
                    **quest_payload(
                        assignment_id=assignment.id,
                        character_id=character_id,
                        quest_slug=quests[quest_id].slug,
                        quest_title=quests[quest_id].title,
                        character_kind=Character.Kind.NPC,
                    ),
                    "actor_id": character_id,
                    "objective": first_steps[quest_id].objective,
                    "deadline_tick": assignment.deadline_tick,
                },
                tick,
                character_id,
                places_of.get(character_id),
            )
            for (quest_id, character_id), assignment in zip(pairs, assignments, strict=True)
        ]
    )
    return assignments
