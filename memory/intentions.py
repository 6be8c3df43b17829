"""Remembered places: the decision engine's use of retrieval. Each NPC is drawn back, gently,
toward the place of the memory it would recall first, scored as retrieval scores it
(`memory.retrieval`: recency, importance and relevance to its goals), among its strongest
memories of things that happened somewhere. Glancing at a memory to choose a path is not
recalling it, so last-access times are left alone."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from memory import retrieval
from memory.models import Memory
from world.autonomy.state import Intention
from world.selectors import world_now_get

PLACES_CONSIDERED = 5  # per character: its most important memories that happened somewhere


def remembered_place_intentions(*, character_ids: list[int], tick: int) -> dict[int, list[Intention]]:
    """One query for the batch (plus the clock's). Only memories formed before this tick
    count, so every batch of a tick sees the same."""
    pull = settings.MEMORY_PLACE_PULL
    if pull <= 0:
        return {}
    rows = (
        Memory.objects.filter(
            character_id__in=character_ids,
            tick__lt=tick,
            source_event__location__isnull=False,
            importance_score__gte=settings.MEMORY_PLACE_MIN_IMPORTANCE,
        )
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
            "source_event__location_id",
            "character__goals",
        )
    )
    now = world_now_get().world_time
    by_character: dict[int, list[tuple]] = {}
    for row in rows:
        by_character.setdefault(row[1], []).append(row)
    found: dict[int, list[Intention]] = {}
    for character_id, memories in by_character.items():
        goals = " ".join(str(goal) for goal in (memories[0][7] or []))
        candidates = [
            retrieval.Candidate(
                id=memory_id,
                importance=importance,
                last_accessed=last_accessed or timestamp,
                relevance=retrieval.word_overlap(query=goals, content=content) if goals else 0.0,
            )
            for memory_id, _, content, importance, last_accessed, timestamp, _, _ in memories
        ]
        best_id = retrieval.top(candidates, now=now, limit=1, weights=settings.MEMORY_RETRIEVAL_WEIGHTS)[0]
        best = next(memory for memory in memories if memory[0] == best_id)
        # Stronger for an important memory, fading as it grows old.
        fresh = retrieval.recency(last_accessed=best[4] or best[5], now=now)
        weight = round(pull * (best[3] / 10.0) * fresh, 3)
        if weight > 0:
            found[character_id] = [Intention(reason=f"remembering: {best[2][:80]}", weight=weight, location_id=best[6])]
    return found
