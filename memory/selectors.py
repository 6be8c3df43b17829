"""Reads of the Memory Cortex: a character's memories filtered, and the candidates retrieval
scores (with their relevance to a query: PostgreSQL full-text rank, else word overlap; with
the embedding backend, the cosine similarity of embeddings)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet

from htrae.text import content_words, mentions
from memory import retrieval
from memory.embeddings import embedder_get, embedding_enabled, vector_from_bytes
from memory.models import Belief, Memory
from world.models import Character


def character_get(*, character_id: int) -> Character | None:
    return Character.objects.filter(id=character_id).first()


def memory_list(
    *,
    character: Character,
    type: str | None = None,
    min_importance: float | None = None,
    max_importance: float | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    query: str | None = None,
) -> QuerySet[Memory]:
    """A character's memories matching the filters (unordered; the caller orders)."""
    memories = Memory.objects.filter(character=character)
    if type:
        memories = memories.filter(type=type)
    if min_importance is not None:
        memories = memories.filter(importance_score__gte=min_importance)
    if max_importance is not None:
        memories = memories.filter(importance_score__lte=max_importance)
    if since is not None:
        memories = memories.filter(timestamp__gte=since)
    if until is not None:
        memories = memories.filter(timestamp__lte=until)
    if query:
        memories = memories.filter(_text_matches(query))
    return memories


def _text_matches(query: str) -> Q:
    """Memories holding any of the query's words (the plain `query` filter, every database)."""
    wanted = content_words(query) or {query.strip().lower()}
    condition = Q()
    for word in sorted(wanted)[:8]:  # bounded: a long query must not build a huge WHERE
        condition |= Q(content__icontains=word)
    return condition


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def memory_candidates(
    *, memories: QuerySet[Memory], query: str | None, size: int | None = None
) -> tuple[list[Memory], list[retrieval.Candidate]]:
    """The memories worth scoring, in one query: the most relevant to the query, the most
    recently recalled and the most important, `size` of each at most (on PostgreSQL the
    relevant ones in two lists, the lasting and the short-term). Scoring every memory
    a character ever had would grow without bound; these three lists hold every memory that
    can reach the top on any one component.

    With the embedding backend the same three lists are read (the relevant ones still found
    by their words: the database cannot search by meaning), then scored by the cosine
    similarity of their embeddings to the query's (`retrieval.embedding_relevance`)."""
    size = size or settings.MEMORY_RETRIEVAL_CANDIDATES
    subsets = [
        # Ties by tick then id, never wall-clock time (replay).
        memories.order_by("-last_accessed_world_at", "-tick", "-id"),
        memories.order_by("-importance_score", "-id"),
    ]
    rank = None
    if query and _is_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        # Any of the words (OR), like the SQLite fallback; plainto_tsquery would demand all.
        terms = sorted(content_words(query))[:8] or [query]
        search = SearchQuery(terms[0], config="english")
        for term in terms[1:]:
            search |= SearchQuery(term, config="english")
        # Matched with `@@` (not `rank > 0`) so the GIN expression index of migration 0004
        # can find the rows; the vector must stay exactly the indexed expression. The index
        # holds the lasting memories only, so they are searched apart from the short-term
        # ones (at most MEMORY_SHORT_TERM_CAP per character, read by the character's index).
        document = SearchVector("content", config="english")
        rank = SearchRank(document, search)
        matching = memories.alias(document=document, rank=rank).filter(document=search)
        short_term = Memory.Type.SHORT_TERM
        subsets.append(matching.exclude(type=short_term).order_by("-rank", "-id"))
        subsets.append(matching.filter(type=short_term).order_by("-rank", "-id"))
    elif query:
        subsets.append(memories.filter(_text_matches(query)).order_by("-tick", "-id"))
    ids = Q()
    for subset in subsets:
        ids |= Q(id__in=subset.values("id")[:size])
    # PostgreSQL finds an OR of IN-subqueries by no index: alone, it would scan every
    # character's memories, so it is kept to the character's own. SQLite looks each list up
    # by rowid, which that filter would only slow (it would walk all the character's rows).
    rows = memories.filter(ids) if _is_postgres() else Memory.objects.filter(ids)
    query_vector = None
    if query and embedding_enabled():
        (query_vector,) = embedder_get().embed([query])
    else:
        rows = rows.defer("embedding")  # not needed: don't read a vector per row
        if rank is not None:
            rows = rows.annotate(rank=rank)
    rows = list(rows)
    candidates = [
        retrieval.Candidate(
            id=memory.id,
            importance=memory.importance_score,
            last_accessed=memory.last_accessed_world_at or memory.timestamp,
            relevance=_relevance(memory, query, query_vector),
        )
        for memory in rows
    ]
    return rows, candidates


def _relevance(memory: Memory, query: str | None, query_vector: list[float] | None) -> float:
    if not query:
        return 0.0
    if query_vector is not None:
        return retrieval.embedding_relevance(
            query=query, content=memory.content, query_vector=query_vector, vector=vector_from_bytes(memory.embedding)
        )
    rank = getattr(memory, "rank", None)
    return float(rank) if rank is not None else retrieval.word_overlap(query=query, content=memory.content)


def memories_rank(*, memories: QuerySet[Memory], query: str | None, now: datetime, limit: int) -> list[Memory]:
    """The `limit` best of these memories by the retrieval score, best first. Reads only."""
    rows, candidates = memory_candidates(memories=memories, query=query)
    best = retrieval.top(candidates, now=now, limit=limit, weights=settings.MEMORY_RETRIEVAL_WEIGHTS)
    by_id = {memory.id: memory for memory in rows}
    return [by_id[memory_id] for memory_id in best]


BELIEF_ORDER = ("-confidence", "-tick", "-id")  # surest first, then latest


def beliefs_current_qs(*, character: Character) -> QuerySet[Belief]:
    """A character's current beliefs, unordered (the caller pages them in BELIEF_ORDER)."""
    return Belief.objects.filter(character=character, is_current=True)


def beliefs_current(*, character: Character, limit: int = 50) -> list[Belief]:
    """A character's current beliefs, surest first (one query, by the current-belief index)."""
    return list(beliefs_current_qs(character=character).order_by(*BELIEF_ORDER)[:limit])


def beliefs_touching(*, character: Character, text: str, limit: int = 2) -> list[Belief]:
    """The character's current beliefs whose subject `text` names (a person by full or first
    name, a place, faction, object, or a belief's topic), surest first. One query."""
    touched = []
    for belief in beliefs_current(character=character):
        names = [belief.subject_name, str((belief.qualifiers or {}).get("topic") or "")]
        if belief.subject_kind == Belief.SubjectKind.PERSON:
            names.append(belief.subject_name.split()[0] if belief.subject_name.split() else "")
        if any(name and mentions(text, name) for name in names):
            touched.append(belief)
    return touched[:limit]


def belief_citations(*, beliefs: list[Belief]) -> dict[int, list[Memory]]:
    """The memories each belief cites that the character still holds, by belief id (one query)."""
    wanted = {memory_id for belief in beliefs for memory_id in belief.cited_memory_ids or ()}
    memories = {m.id: m for m in Memory.objects.filter(id__in=sorted(wanted)).only("id", "content", "type", "tick")}
    return {belief.id: [memories[i] for i in belief.cited_memory_ids or () if i in memories] for belief in beliefs}


def emotional_memories_since(*, character_ids: list[int], tick: int) -> dict[int, list[tuple]]:
    """Each character's emotional memories formed at or after `tick`, as (id, mood felt,
    importance, content) in id order, keyed by character: what a night's dreams draw on.
    One query, whatever the number of characters."""
    if not character_ids:
        return {}
    rows = (
        Memory.objects.filter(character_id__any=character_ids, type=Memory.Type.EMOTIONAL, tick__gte=tick)
        .order_by("character_id", "id")
        .values_list("character_id", "id", "feeling", "importance_score", "content")
    )
    found: dict[int, list[tuple]] = {}
    for character_id, memory_id, feeling, importance, content in rows:
        found.setdefault(character_id, []).append((memory_id, feeling, importance, content))
    return found
