"""Reflection: characters look back over their memories and come to believe something.

`memories_reflect` runs in the memory tick phase. A character whose memories since its last
reflection add up to `MEMORY_REFLECTION_THRESHOLD` importance reflects: its last
`INSIGHT_WINDOW` memories are read as plain records (`insight_records_load`: who else was
in each, where, which faction, object or topic, how it felt), `memory.insight` draws the
beliefs they support and revises those already held, and each belief formed, strengthened,
weakened or overturned is stated in a new reflection memory linked to the memories it came
from (`Memory.sources`) and stored as a `Belief` (the one it revises stays, no longer
current). A character whose memories support no belief reflects as before: a summary of
what weighed most. Cited short-term memories become long-term: what a belief rests on is
not forgotten with the day's chatter.

A constant number of queries whatever the number of characters or memories.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from django.conf import settings
from django.db.models import F, OuterRef, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, RowNumber

from htrae.bulk import bulk_create, bulk_insert_columns
from memory import insight
from memory.embeddings import embed_contents, embedding_enabled
from memory.models import Belief, Memory
from world.models import HISTORY_RETENTION_FLOOR_TICKS, Character, GameEvent, Location, WorldObject

REFLECTION_SOURCES = 5  # memories a summary reflection names (the most important lately)
INSIGHT_WINDOW = 60  # memories a reflection looks over, newest first


def memories_reflect(*, tick: int, world_time: datetime, character_ids: Iterable[int] | None = None) -> list[Memory]:
    """Let the characters due reflect (see the module docstring); returns the reflections.
    At most twelve queries."""
    due = _due(character_ids)
    if not due:
        return []
    records, _ = insight_records_load(character_ids=due, before_tick=tick + 1)
    held = beliefs_held(character_ids=due)
    planned: list[tuple[int, str, tuple[int, ...], insight.Revision | None]] = []
    for character_id in due:
        mine = records.get(character_id, [])
        mine_held = held.get(character_id, {})
        drafts, evidence = insight.draw_beliefs(mine, held=mine_held)
        revisions = insight.revise(mine_held, drafts, evidence)
        for revision in revisions:
            planned.append((character_id, revision.draft.statement, revision.draft.citations, revision))
        if not revisions and mine:
            top = sorted(mine, key=lambda r: (-r.importance, -r.id))[:REFLECTION_SOURCES]
            planned.append((character_id, _summary([r.content for r in top]), tuple(r.id for r in top), None))
    return beliefs_store(planned=planned, tick=tick, world_time=world_time, origin=Belief.Origin.OFFLINE)


def _due(character_ids: Iterable[int] | None) -> list[int]:
    """Characters whose memories since their last reflection reach the threshold (one query).
    From each character, its last reflection and the memories after it, both read off an
    index: the cost follows the memories since the last reflection, not a life's worth."""
    last_reflection = (
        Memory.objects.filter(character_id=OuterRef("pk"), type=Memory.Type.REFLECTION)
        .order_by("-timestamp", "-id")  # the latest, read off the index (character, type, -timestamp)
        .values("id")[:1]
    )
    since = (
        Memory.objects.filter(character_id=OuterRef("pk"), id__gt=OuterRef("last_reflection"))
        .exclude(type=Memory.Type.REFLECTION)
        .order_by()
        .values("character_id")
        .annotate(total=Sum("importance_score"))
        .values("total")
    )
    characters = (
        Character.objects.all() if character_ids is None else Character.objects.filter(id__any=list(character_ids))
    )
    return sorted(
        characters.annotate(last_reflection=Coalesce(Subquery(last_reflection), Value(0)))
        .annotate(total=Subquery(since))
        .filter(total__gte=settings.MEMORY_REFLECTION_THRESHOLD)
        .order_by()
        .values_list("id", flat=True)
    )


def insight_records_load(
    *, character_ids: list[int], before_tick: int, window: int = INSIGHT_WINDOW
) -> tuple[dict[int, list[insight.MemoryRecord]], dict[int, str]]:
    """Each character's last `window` memories (not reflections) formed before `before_tick`
    and within the world's longest look back (`HISTORY_RETENTION_FLOOR_TICKS`, so the read
    does not grow with a life's worth of memories), as `insight.MemoryRecord`s, newest first;
    and the contents by id. Five queries: the
    memories, their events, the people in them, the places, the objects."""
    rows = list(
        Memory.objects.filter(
            character_id__any=character_ids,
            tick__lt=before_tick,
            tick__gte=before_tick - HISTORY_RETENTION_FLOOR_TICKS,
        )
        .exclude(type=Memory.Type.REFLECTION)
        .order_by()
        .annotate(rank=Window(RowNumber(), partition_by=[F("character_id")], order_by=[F("id").desc()]))
        .filter(rank__lte=window)
        .values_list(
            "id", "character_id", "importance_score", "content", "type", "feeling", "tone", "hour", "source_event_id"
        )
    )
    if not rows:
        return {}, {}
    event_ids = sorted({row[8] for row in rows if row[8] is not None})
    # Of each payload only the three keys read here, not the whole text to parse: a reflecting
    # tick at 10,000 NPCs reads some 50,000 events.
    events = {
        event_id: (event_type, actor_id, location_id, {"listener_id": listener, "target": target, "object_id": thing})
        for event_id, event_type, actor_id, location_id, listener, target, thing in GameEvent.objects.filter(
            id__any=event_ids
        ).values_list(
            "id", "type", "actor_id", "location_id", "payload__listener_id", "payload__target", "payload__object_id"
        )
    }
    people_ids: set[int] = set()
    for _, actor_id, _, payload in events.values():
        people_ids.update(pid for pid in (actor_id, _listener(payload)) if pid is not None)
    people = {
        pid: (name, faction_id, faction_name)
        for pid, name, faction_id, faction_name in Character.objects.filter(id__any=sorted(people_ids)).values_list(
            "id", "name", "faction_id", "faction__name"
        )
    }
    places = {
        pid: insight.Subject(insight.PLACE, pid, name)
        for pid, name in Location.objects.order_by("id").values_list("id", "name")
    }
    objects = {
        oid: insight.Subject(insight.OBJECT, oid, name)
        for oid, name in WorldObject.objects.order_by("id").values_list("id", "name")
    }
    lexicon = insight.Lexicon([*places.values(), *objects.values()])
    found: dict[int, list[insight.MemoryRecord]] = defaultdict(list)
    contents: dict[int, str] = {}
    for memory_id, character_id, importance, content, kind, feeling, tone, hour, event_id in sorted(
        rows, key=lambda row: (row[1], -row[0])
    ):
        contents[memory_id] = content
        person = faction = place = thing = None
        if event_id in events:
            _, actor_id, location_id, payload = events[event_id]
            other = actor_id if actor_id != character_id else _listener(payload)
            if other is not None and other != character_id and other in people:
                name, faction_id, faction_name = people[other]
                person = insight.Subject(insight.PERSON, other, name)
                if faction_id is not None:
                    faction = insight.Subject(insight.FACTION, faction_id, faction_name)
            place = places.get(location_id)
            object_id = payload.get("object_id")
            if isinstance(object_id, int):
                thing = objects.get(object_id)
        found[character_id].append(
            insight.MemoryRecord(
                id=memory_id,
                importance=importance,
                content=content,
                type=kind,
                feeling=feeling,
                tone=tone,
                hour=hour,
                person=person,
                faction=faction,
                place=place,
                object=thing,
                topics=lexicon.named(content, skip=[s for s in (place, thing) if s]),
            )
        )
    return dict(found), contents


def _listener(payload: Mapping) -> int | None:
    listener = payload.get("listener_id")
    if isinstance(listener, int):
        return listener
    target = payload.get("target") or {}
    return target.get("id") if isinstance(target, dict) and target.get("type") == "character" else None


def beliefs_held(*, character_ids: list[int]) -> dict[int, dict[str, insight.HeldBelief]]:
    """The current beliefs of these characters, by subject key (one query)."""
    held: dict[int, dict[str, insight.HeldBelief]] = defaultdict(dict)
    for belief in Belief.objects.filter(character_id__any=character_ids, is_current=True).order_by("id"):
        subject = insight.Subject(belief.subject_kind, belief.subject_id, belief.subject_name)
        held[belief.character_id][belief.subject_key] = insight.HeldBelief(
            id=belief.id,
            subject=subject,
            stance=belief.stance,
            valence=belief.valence,
            confidence=belief.confidence,
            statement=belief.statement,
            citations=tuple(belief.cited_memory_ids or ()),
            qualifiers=dict(belief.qualifiers or {}),
        )
    return held


def beliefs_store(
    *,
    planned: list[tuple[int, str, tuple[int, ...], insight.Revision | None]],
    tick: int,
    world_time: datetime,
    origin: str,
) -> list[Memory]:
    """Write the reflections (one memory per line, linked to what it cites) and the beliefs
    they state; the beliefs revised stop being current. Five queries whatever the count."""
    if not planned:
        return []
    reflections = [
        Memory(
            character_id=character_id,
            content=content[:4000],
            type=Memory.Type.REFLECTION,
            importance_score=settings.MEMORY_REFLECTION_IMPORTANCE,
            tick=tick,
            last_accessed_world_at=world_time,
            hour=world_time.hour,
        )
        for character_id, content, _, _ in planned
    ]
    if embedding_enabled():  # one call to the embedder for all of them
        for reflection, embedding in zip(reflections, embed_contents([r.content for r in reflections]), strict=True):
            reflection.embedding = embedding
    reflections = bulk_create(reflections)
    Through = Memory.sources.through
    # What a belief rests on is kept (a summary's sources may fade as before).
    cited = sorted({memory_id for _, _, citations, r in planned if r is not None for memory_id in citations})
    # as plain rows: a tick at 10,000 NPCs links some 40,000, and model instances cost more
    bulk_insert_columns(
        Through,
        ["from_memory", "to_memory"],
        [
            (reflection.id, memory_id)
            for reflection, (_, _, citations, _) in zip(reflections, planned, strict=True)
            for memory_id in dict.fromkeys(citations)
        ],
    )
    if cited:
        Memory.objects.filter(id__any=cited, type=Memory.Type.SHORT_TERM).update(type=Memory.Type.LONG_TERM)
    revised = sorted({r.previous_id for *_, r in planned if r is not None and r.previous_id is not None})
    if revised:
        Belief.objects.filter(id__any=revised).update(is_current=False)
    beliefs = []
    for reflection, (character_id, _, _, revision) in zip(reflections, planned, strict=True):
        if revision is None:
            continue
        draft = revision.draft
        beliefs.append(
            Belief(
                character_id=character_id,
                subject_kind=draft.subject.kind,
                subject_id=draft.subject.id,
                subject_name=draft.subject.name[:200],
                subject_key=draft.subject.key[:220],
                stance=draft.stance,
                valence=round(max(-1.0, min(1.0, draft.valence)), 4),
                confidence=round(max(0.0, min(1.0, draft.confidence)), 4),
                statement=draft.statement[:1000],
                qualifiers=dict(draft.qualifiers),
                cited_memory_ids=list(draft.citations),
                reflection=reflection,
                previous_id=revision.previous_id,
                revision=revision.kind,
                origin=origin,
                tick=tick,
            )
        )
    if beliefs:
        bulk_create(beliefs)
    return reflections


def _summary(contents: list[str]) -> str:
    """A plain summary (no pattern found): what weighed most lately, in the character's words."""
    lines = "; ".join(content.rstrip(".") for content in contents)
    return f"Looking back on what has weighed on me lately: {lines}."[:4000]
