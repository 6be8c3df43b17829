"""Writes of the Memory Cortex: creating memories (by hand or from events), recalling them
(which refreshes their recency), and the tick's consolidation and reflection.

Every function costs a constant number of queries, whatever the number of events, memories
or characters involved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import RowNumber
from django.utils import timezone

from htrae.background import run_in_background
from htrae.bulk import bulk_insert_columns
from htrae.vocabulary import EventType
from memory import recollection
from memory.embeddings import embed_contents, embedding_enabled
from memory.models import Memory
from memory.reflection import memories_reflect
from memory.selectors import memories_rank, memory_list
from memory.tasks import model_insights
from world.models import Character, GameEvent
from world.selectors import world_now_get


def memory_create(*, character: Character, content: str, type: str, importance_score: float) -> Memory:
    """One memory, written by hand (the API, a designer)."""
    now = world_now_get()
    memory = Memory(
        character=character,
        content=content,
        type=type,
        importance_score=importance_score,
        tick=now.tick,
        last_accessed_world_at=now.world_time,
    )
    memory.full_clean(exclude=["character", "source_event"])
    if embedding_enabled():
        (memory.embedding,) = embed_contents([content])
    memory.save()
    return memory


def memories_retrieve(*, character: Character, query: str | None, limit: int = 10) -> list[Memory]:
    """What the character recalls now: the `limit` memories best by recency, importance and
    relevance to `query` (see memory.retrieval). Recalling refreshes them: their last access
    moves to now, in one UPDATE."""
    now = world_now_get()
    recalled = memories_rank(memories=memory_list(character=character), query=query, now=now.world_time, limit=limit)
    if recalled:
        Memory.objects.filter(id__any=[memory.id for memory in recalled]).update(
            last_accessed_world_at=now.world_time, last_accessed_at=timezone.now()
        )
        for memory in recalled:
            memory.last_accessed_world_at = now.world_time
    return recalled


def memories_embed(*, batch_size: int = 256, redo: bool = False) -> int:
    """Give memories made before the embedding backend was on (the seed's founding memories,
    say) their embeddings; `redo` embeds every memory again (after changing MEMORY_EMBEDDER).
    Per batch: one read, one call to the embedder, one update. Returns how many were embedded."""
    pending = Memory.objects.all() if redo else Memory.objects.filter(embedding__isnull=True)
    done, after = 0, 0
    while batch := list(pending.filter(id__gt=after).order_by("id").only("id", "content")[:batch_size]):
        for memory, embedding in zip(batch, embed_contents([m.content for m in batch]), strict=True):
            memory.embedding = embedding
        Memory.objects.bulk_update(batch, ["embedding"])
        done, after = done + len(batch), batch[-1].id
    return done


# --- Memories from events --------------------------------------------------------------------


def memories_from_events(
    *, events: Iterable[GameEvent], world_time: datetime | None = None, moods: Mapping[int, str] | None = None
) -> set[int]:
    """Turn events into the memories of those who took part or saw (memory.recollection);
    returns the ids of the characters who now remember something. `moods` are the moods
    the characters were in (the tick passes those at its start); without them the stored
    moods are read along with who is who. At most four queries: the people involved (who
    are players, their moods), the bystanders, the clock, the insert."""
    events = list(events)
    views = [
        recollection.EventView(
            id=event.id,
            type=event.type,
            tick=event.tick,
            location_id=event.location_id,
            actor_id=event.actor_id,
            payload=event.payload or {},
        )
        for event in events
        if event.type in recollection.REMEMBERED_TYPES
    ]
    if not views:
        return set()
    timestamps = {event.id: event.timestamp for event in events}
    listener_ids = {_listener_id(view) for view in views} - {None}
    involved = listener_ids if moods is not None else listener_ids | {view.actor_id for view in views} - {None}
    players: frozenset[int] = frozenset()
    read_moods: dict[int, str] = {}
    if involved:
        rows = list(
            Character.objects.filter(id__any=involved)
            .annotate(mood=KeyTextTransform("mood", "emotional_state"))
            .values_list("id", "kind", "mood")
        )
        players = frozenset(cid for cid, kind, _ in rows if kind == Character.Kind.PLAYER)
        read_moods = {cid: mood or "" for cid, kind, mood in rows if kind != Character.Kind.PLAYER}
        players = frozenset(cid for cid in players if cid in listener_ids)
    places = {view.location_id for view in views if recollection.needs_witnesses(view)}
    bystanders, bystander_moods = _bystanders(places)
    if moods is None:
        moods = {**bystander_moods, **read_moods}
    drafts = recollection.drafts_for(
        views,
        bystanders=bystanders,
        players=players,
        max_witnesses=settings.MEMORY_MAX_WITNESSES,
        emotion_threshold=settings.MEMORY_EMOTION_INTENSITY_THRESHOLD,
        moods=moods,
    )
    if not drafts:
        return set()
    if world_time is None:
        world_time = world_now_get().world_time
    now = timezone.now()
    fields = ["character", "content", "type", "importance_score", "timestamp", "last_accessed_at"]
    fields += ["last_accessed_world_at", "tick", "source_event", "created_at", "updated_at"]
    fields += ["feeling", "tone", "hour"]
    rows = [
        (
            draft.character_id,
            draft.content,
            draft.type,
            draft.importance,
            timestamps.get(draft.event_id) or now,
            now,
            world_time,
            draft.tick,
            draft.event_id,
            now,
            now,
            draft.feeling[:20],
            draft.tone[:20],
            world_time.hour,
        )
        for draft in drafts
    ]
    if embedding_enabled():  # one call to the embedder for all of them
        fields.append("embedding")
        embeddings = embed_contents([draft.content for draft in drafts])
        rows = [(*row, embedding) for row, embedding in zip(rows, embeddings, strict=True)]
    _insert_rows(fields, rows)
    return {draft.character_id for draft in drafts}


def _insert_rows(fields: list[str], rows: list[tuple]) -> None:
    """Insert memory rows in one statement (`htrae.bulk.bulk_insert_columns`: UNNEST on
    PostgreSQL, one prepared INSERT run with `executemany` on SQLite)."""
    bulk_insert_columns(Memory, fields, rows)


def _listener_id(view: recollection.EventView) -> int | None:
    if view.type == EventType.PLAYER_INTERACTED:
        target = view.payload.get("target") or {}
        return target.get("id") if target.get("type") == "character" else None
    listener = view.payload.get("listener_id")
    return listener if isinstance(listener, int) else None


def _bystanders(places: set[int]) -> tuple[dict[int, list[int]], dict[int, str]]:
    """Active non-player characters at these places, a few per place, and their moods (one
    query): the row number per place bounds the rows read however crowded a place is. Two
    extra per place leave room for the actor and listener, who remember as themselves."""
    if not places:
        return {}, {}
    per_place = settings.MEMORY_MAX_WITNESSES + 2
    rows = (
        Character.objects.filter(location_id__any=places, is_active=True)
        .exclude(kind=Character.Kind.PLAYER)
        .annotate(rank=Window(RowNumber(), partition_by=[F("location_id")], order_by=[F("id").asc()]))
        .filter(rank__lte=per_place)
        .annotate(mood=KeyTextTransform("mood", "emotional_state"))
        .values_list("location_id", "id", "mood")
    )
    found: dict[int, list[int]] = defaultdict(list)
    moods: dict[int, str] = {}
    for location_id, character_id, mood in rows:
        found[location_id].append(character_id)
        moods[character_id] = mood or ""
    return found, moods


# --- The tick: consolidation and reflection ------------------------------------------------


def memories_consolidate(*, tick: int) -> dict[str, int]:
    """Short-term memories older than the window become long-term if important enough, else
    are forgotten; then each character keeps at most `MEMORY_SHORT_TERM_CAP` short-term
    memories (the least important, then oldest, go). At most four queries."""
    short = Memory.objects.filter(type=Memory.Type.SHORT_TERM)
    expired = short.filter(tick__lte=tick - settings.MEMORY_SHORT_TERM_WINDOW_TICKS)
    kept = expired.filter(importance_score__gte=settings.MEMORY_LONG_TERM_THRESHOLD).update(type=Memory.Type.LONG_TERM)
    forgotten = _delete(expired)
    overflow = list(
        short.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("character_id")],
                # Ties by tick then id, never wall-clock time: replay must trim the same.
                order_by=[F("importance_score").desc(), F("tick").desc(), F("id").desc()],
            )
        )
        .filter(rank__gt=settings.MEMORY_SHORT_TERM_CAP)
        .values_list("id", flat=True)
    )
    if overflow:
        forgotten += _delete(Memory.objects.filter(id__any=overflow))
    return {"kept": kept, "forgotten": forgotten}


def _delete(memories: QuerySet[Memory]) -> int:
    """Delete in three statements whatever the count. Django's collector would fetch the rows
    and delete them (and their reflection links) in chunks of a hundred; the only thing that
    points at a memory is the reflection link table, cleared here first."""
    ids = memories.values("id")
    # one statement per side: each reads its own index, where an OR of the two sides read
    # every link ever made (a table that grows with every reflection)
    links = Memory.sources.through.objects
    links.filter(from_memory_id__in=ids)._raw_delete(links.db)
    links.filter(to_memory_id__in=ids)._raw_delete(links.db)
    return memories._raw_delete(memories.db)


def memory_tick(context) -> None:
    """The Memory Cortex's tick phase: remember what the characters did this tick (their own
    events, collected once here rather than per batch), consolidate, and reflect."""
    # Already inside the tick's transaction: a failure here rolls the whole tick back.
    # What the phases publish (mood changes, quests' turns) the subscriber remembers as it is
    # published (`memory.subscribers`); here, what the characters did.
    own = [
        event
        for event in context.events
        if event.type in recollection.REMEMBERED_TYPES and event.type not in recollection.PHASE_EVENTS
    ]
    touched = memories_from_events(events=own, world_time=context.world_time, moods=context.moods)
    memories_consolidate(tick=context.tick)
    if touched:
        reflections = memories_reflect(tick=context.tick, world_time=context.world_time, character_ids=touched)
        _queue_model_insights(reflected=sorted({r.character_id for r in reflections}), tick=context.tick)


def _queue_model_insights(*, reflected: list[int], tick: int) -> None:
    """With a model configured, after the tick commits: ask it for insights for a few of the
    characters who reflected (`memory.model_insight`), off the tick, as mind work."""
    budget = settings.MEMORY_MODEL_INSIGHTS_PER_TICK
    if not settings.DIALOGUE_API_BASE or budget <= 0 or not reflected:
        return
    chosen = reflected[:budget]
    transaction.on_commit(partial(run_in_background, model_insights, character_ids=chosen, tick=tick))
