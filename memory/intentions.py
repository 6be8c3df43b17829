"""Remembered places: the decision engine's use of retrieval. Each NPC is drawn back, gently,
toward the place of the memory it would recall first, scored as retrieval scores it
(`memory.retrieval`: recency, importance and relevance to its goals), among its strongest
memories of things that happened somewhere. Glancing at a memory to choose a path is not
recalling it, so last-access times are left alone. A character looks back only every
CONSULT_EVERY_TICKS ticks (on its own turn), which keeps the tick's cost down at 10,000 NPCs
and reads naturally: a place calls someone back now and then, not at every step."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from memory import retrieval
from memory.models import Memory
from world.autonomy.state import Intention
from world.models import Character, GameEvent

PLACES_CONSIDERED = 5  # per character: its most important memories that happened somewhere
CONSULT_EVERY_TICKS = 4


def remembered_place_intentions(
    *, character_ids: list[int], tick: int, world_time: datetime
) -> dict[int, list[Intention]]:
    """One query for the batch when no one has a strong memory of a place, else three (the
    places, the goals), each by primary key or the character-importance index:
    joining the events table in the first would let the planner hash the whole of it.
    Only memories formed before this tick count, so every batch of a tick sees the same."""
    pull = settings.MEMORY_PLACE_PULL
    turn = [character_id for character_id in character_ids if (character_id + tick) % CONSULT_EVERY_TICKS == 0]
    if pull <= 0 or not turn:
        return {}
    rows = list(
        Memory.objects.filter(
            character_id__in=turn,
            tick__lt=tick,
            source_event__isnull=False,
            importance_score__gte=settings.MEMORY_PLACE_MIN_IMPORTANCE,
        )
        .order_by()
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("character_id")],
                order_by=[F("importance_score").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=PLACES_CONSIDERED)
        .values_list(
            "id",
            "character_id",
            "content",
            "importance_score",
            "last_accessed_world_at",
            "timestamp",
            "source_event_id",
        )
    )
    if not rows:
        return {}
    places = dict(
        GameEvent.objects.filter(id__in={row[6] for row in rows}, location__isnull=False).values_list(
            "id", "location_id"
        )
    )
    goals_of = dict(Character.objects.filter(id__in={row[1] for row in rows}).values_list("id", "goals"))
    now = world_time
    by_character: dict[int, list[tuple]] = {}
    for row in rows:
        if row[6] in places:
            by_character.setdefault(row[1], []).append(row)
    found: dict[int, list[Intention]] = {}
    for character_id, memories in sorted(by_character.items()):
        goals = " ".join(str(goal) for goal in (goals_of.get(character_id) or []))
        candidates = [
            retrieval.Candidate(
                id=memory_id,
                importance=importance,
                last_accessed=last_accessed or timestamp,
                relevance=retrieval.word_overlap(query=goals, content=content) if goals else 0.0,
            )
            for memory_id, _, content, importance, last_accessed, timestamp, _ in memories
        ]
        best_id = retrieval.top(candidates, now=now, limit=1, weights=settings.MEMORY_RETRIEVAL_WEIGHTS)[0]
        _, _, content, importance, last_accessed, timestamp, event_id = next(m for m in memories if m[0] == best_id)
        # Stronger for an important memory, fading as it grows old.
        fresh = retrieval.recency(last_accessed=last_accessed or timestamp, now=now)
        weight = round(pull * (importance / 10.0) * fresh, 3)
        if weight > 0:
            found[character_id] = [
                Intention(reason=f"remembering: {content[:80]}", weight=weight, location_id=places[event_id])
            ]
    return found
