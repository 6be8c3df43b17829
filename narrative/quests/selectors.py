"""Reads of quests: a character's quests, held or on offer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch

from narrative.models import Quest, QuestAssignment, QuestStep

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
