"""Retrieval scoring in the manner of Generative Agents (Park et al., 2023). Pure: no ORM.

A memory's score is a weighted sum of three components, each min-max normalised over the
candidates being compared:

- recency: 0.995 ** (in-world hours since the memory was last recalled);
- importance: its `importance_score` (0..10);
- relevance: how well it matches the query (PostgreSQL's full-text rank, or the word overlap
  computed here on SQLite; with the embedding backend, the cosine similarity of the query's
  and the memory's embeddings, and word overlap for a memory that has none).

A component that is the same for every candidate tells them apart in nothing, so it
normalises to 0 (rather than dividing by zero).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from htrae.text import content_words

RECENCY_DECAY_PER_HOUR = 0.995
DEFAULT_WEIGHTS = {"recency": 1.0, "importance": 1.0, "relevance": 1.0}


@dataclass(frozen=True)
class Candidate:
    """What scoring needs to know of one memory."""

    id: int
    importance: float
    last_accessed: datetime  # in-world time
    relevance: float = 0.0


def recency(*, last_accessed: datetime, now: datetime) -> float:
    """0.995 per in-world hour since the last recall; a memory recalled "in the future" (the
    clock was wound back) counts as just recalled."""
    hours = max((now - last_accessed).total_seconds() / 3600.0, 0.0)
    return RECENCY_DECAY_PER_HOUR**hours


def min_max(values: Sequence[float]) -> list[float]:
    """Scale to 0..1 over these values; all equal → all 0."""
    if not values:
        return []
    low, high = min(values), max(values)
    if high - low <= 1e-12:
        return [0.0 for _ in values]
    return [(value - low) / (high - low) for value in values]


def word_overlap(*, query: str, content: str) -> float:
    """Relevance without a search engine: the share of the query's words the memory holds."""
    wanted = content_words(query)
    if not wanted:
        return 0.0
    return len(wanted & content_words(content)) / len(wanted)


def cosine_similarity(a: Sequence[float], b: Sequence[float]) -> float:
    """How alike two embeddings are in direction, -1..1; 0 if either is all zeros."""
    if len(a) != len(b):
        raise ValueError(f"vectors of {len(a)} and {len(b)} dimensions cannot be compared")
    norms = math.sqrt(sum(map(operator.mul, a, a))) * math.sqrt(sum(map(operator.mul, b, b)))
    if norms == 0.0:
        return 0.0
    return sum(map(operator.mul, a, b)) / norms


def embedding_relevance(
    *, query: str, content: str, query_vector: Sequence[float] | None, vector: Sequence[float] | None
) -> float:
    """Relevance for the embedding backend: cosine similarity when the memory has an embedding
    of the query's size (one made by another embedder does not compare), else word overlap."""
    if query_vector is not None and vector is not None and len(vector) == len(query_vector):
        return cosine_similarity(query_vector, vector)
    return word_overlap(query=query, content=content)


def scores(
    candidates: Sequence[Candidate], *, now: datetime, weights: Mapping[str, float] | None = None
) -> dict[int, float]:
    """Each candidate's combined score, by id."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    recencies = min_max([recency(last_accessed=c.last_accessed, now=now) for c in candidates])
    importances = min_max([c.importance for c in candidates])
    relevances = min_max([c.relevance for c in candidates])
    return {
        c.id: weights["recency"] * rec + weights["importance"] * imp + weights["relevance"] * rel
        for c, rec, imp, rel in zip(candidates, recencies, importances, relevances, strict=True)
    }


def top(
    candidates: Sequence[Candidate], *, now: datetime, limit: int, weights: Mapping[str, float] | None = None
) -> list[int]:
    """The ids of the `limit` best candidates, best first (ties: the newer id first)."""
    scored = scores(candidates, now=now, weights=weights)
    return sorted(scored, key=lambda memory_id: (-scored[memory_id], -memory_id))[:limit]
