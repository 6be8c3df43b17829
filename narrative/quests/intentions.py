"""Quest holders pursue their quests: the current step of each active quest an NPC or
Spectra holds becomes an intention (`world.autonomy.intentions`), so the decision engine
walks them toward the place, the person or the thing the step asks for."""

from __future__ import annotations

from datetime import datetime

from narrative.models import QuestAssignment
from world.autonomy.state import Intention

QUEST_WEIGHT = 1.0  # a quest is the strongest pull a character knows


def bring_verb(location_id: int | None, character_id: int | None) -> str:
    """Bringing a thing: give it to the step's person, else carry it to its place and use it
    there, else just take it up (world.autonomy.intentions.staged fetches it first)."""
    if character_id is not None:
        return "give"
    return "use" if location_id is not None else "take"


def quest_intentions(*, character_ids: list[int], tick: int, world_time: datetime) -> dict[int, list[Intention]]:
    """One query for the whole batch. Quest state changes only between batches' reads (in
    the tick's phases), so every batch of a tick sees the same."""
    rows = (
        QuestAssignment.objects.filter(
            character_id__any=character_ids, status=QuestAssignment.Status.ACTIVE, current_step__isnull=False
        )
        .order_by("id")
        .values_list(
            "character_id",
            "quest__title",
            "current_step__target_location_id",
            "current_step__target_character_id",
            "current_step__target_object_id",
            "current_step__objective_type",
        )
    )
    found: dict[int, list[Intention]] = {}
    for character_id, title, location_id, target_id, object_id, objective in rows:
        if location_id is None and target_id is None and object_id is None:
            continue  # waiting or watching: nowhere in particular to be
        found.setdefault(character_id, []).append(
            Intention(
                reason=title,
                weight=QUEST_WEIGHT,
                location_id=location_id,
                character_id=target_id,
                object_id=object_id,
                verb=bring_verb(location_id, target_id) if objective == "bring_object" else "",
            )
        )
    return found
