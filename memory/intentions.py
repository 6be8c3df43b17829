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

from memory import insight, retrieval
from memory.models import Belief, Memory
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
            character_id__any=turn,
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
        GameEvent.objects.filter(id__any={row[6] for row in rows}, location__isnull=False).values_list(
            "id", "location_id"
        )
    )
    goals_of = dict(Character.objects.filter(id__any={row[1] for row in rows}).values_list("id", "goals"))
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


# What each stance makes a character do about its subject: seek it or avoid it, and how
# strongly (times the belief's confidence and MEMORY_BELIEF_PULL). Stances not listed only
# colour what the character says: fondness for a place and fascination with a thing fed
# themselves when they pulled (going back, finding it again, believing it more), and in the
# seed world had 15 of 26 NPCs fascinated by the one lantern by tick 1,000. Seeking a person
# waits on the seeker's loneliness (`_company_need`): with full pull, 16 NPCs who trusted
# Spectra followed her until 15 of 27 characters stood in one place; lonely, one goes to
# find a friend, and having talked, goes about its day.
BELIEF_MOVES: dict[tuple[str, str], tuple[str, float]] = {
    ("person", "admiration"): ("seek", 1.0),
    ("person", "trust"): ("seek", 0.9),
    ("person", "concern"): ("seek", 0.8),  # to comfort them
    ("person", "familiarity"): ("seek", 0.4),
    ("person", "distrust"): ("avoid", 1.0),
    ("faction", "suspicion"): ("seek", 0.8),  # go where its members are, to watch them
    ("faction", "trust"): ("seek", 0.5),
    ("faction", "distrust"): ("avoid", 0.7),
    ("place", "fear"): ("avoid", 1.0),
}
BEFRIENDING = frozenset({"admiration", "trust", "concern", "familiarity"})  # sought when lonely
BELIEFS_ACTED_ON = 3  # per character: its surest beliefs
BELIEF_MIN_CONFIDENCE = 0.3


def belief_intentions(*, character_ids: list[int], tick: int, world_time: datetime) -> dict[int, list[Intention]]:
    """What the batch's beliefs make them do (one query, by the current-belief index): who
    trusts someone seeks them, who fears a place leaves it (a fear of the night only at
    night), who suspects a faction goes where one of its members is, to watch. Beliefs are
    written only by the memory phase, after every batch, so each batch reads the same."""
    pull = settings.MEMORY_BELIEF_PULL
    if pull <= 0 or not character_ids:
        return {}
    stances = sorted({stance for _, stance in BELIEF_MOVES})
    rows = (
        Belief.objects.filter(
            character_id__any=character_ids,
            is_current=True,
            stance__in=stances,
            confidence__gte=BELIEF_MIN_CONFIDENCE,
        )
        .order_by("character_id", "-confidence", "id")
        .values_list(
            "character_id",
            "subject_kind",
            "subject_id",
            "stance",
            "confidence",
            "statement",
            "qualifiers",
            "character__needs",
        )
    )
    night = world_time.hour in insight.NIGHT_HOURS
    found: dict[int, list[Intention]] = {}
    for character_id, kind, subject_id, stance, confidence, statement, qualifiers, needs in rows:
        move = BELIEF_MOVES.get((kind, stance))
        mine = found.setdefault(character_id, [])
        if move is None or subject_id is None or len(mine) >= BELIEFS_ACTED_ON:
            continue
        qualifiers = qualifiers or {}
        if qualifiers.get("when") == "night" and not night:
            continue
        how, factor = move
        if how == "seek" and stance in BEFRIENDING:
            factor *= _company_need(needs)
            if factor <= 0:
                continue
        weight = round(min(1.0, pull * factor * confidence), 3)
        target: dict[str, int] = {}
        if kind == "person":
            target["character_id"] = subject_id
        elif kind == "faction" and isinstance(qualifiers.get("member_id"), int):
            target["character_id"] = qualifiers["member_id"]
        elif kind == "place":
            target["location_id"] = subject_id
        elif kind == "object":
            target["object_id"] = subject_id
        if target and weight > 0 and target.get("character_id") != character_id:
            mine.append(Intention(reason=statement, weight=weight, avoid=how == "avoid", belief=True, **target))
    return {character_id: intentions for character_id, intentions in found.items() if intentions}


LONELY = 0.6  # the social need past which a character goes looking for a friend


def _company_need(needs) -> float:
    """How much the character wants a friend's company now: nothing until its `social` need
    passes LONELY, then rising to 1 (a middling need when it has none recorded)."""
    value = (needs or {}).get("social", 0.8) if isinstance(needs, dict) else 0.8
    try:
        social = max(0.0, min(1.0, float(value)))
    except (TypeError, ValueError):
        social = 0.8
    return round(max(0.0, (social - LONELY) / (1 - LONELY)), 3)
