"""Retrieval: the pure scoring formula and `memories_retrieve` (which refreshes last access)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from memory import retrieval
from memory.models import Memory
from memory.services import memories_retrieve
from tests.factories import CharacterFactory, MemoryFactory, WorldClockFactory

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def test_recency_decays_by_0_995_per_in_world_hour():
    assert retrieval.recency(last_accessed=NOW, now=NOW) == 1.0
    assert retrieval.recency(last_accessed=NOW - timedelta(hours=1), now=NOW) == pytest.approx(0.995)
    assert retrieval.recency(last_accessed=NOW - timedelta(hours=100), now=NOW) == pytest.approx(0.995**100)
    assert retrieval.recency(last_accessed=NOW + timedelta(hours=3), now=NOW) == 1.0  # clock wound back


def test_min_max_normalisation():
    assert retrieval.min_max([2.0, 4.0, 6.0]) == [0.0, 0.5, 1.0]
    assert retrieval.min_max([3.0, 3.0]) == [0.0, 0.0]  # no information
    assert retrieval.min_max([]) == []


def _c(id, importance=0.0, hours_ago=0.0, relevance=0.0):
    return retrieval.Candidate(
        id=id, importance=importance, last_accessed=NOW - timedelta(hours=hours_ago), relevance=relevance
    )


def test_scores_are_the_weighted_sum_of_normalised_components():
    candidates = [_c(1, importance=10, hours_ago=10, relevance=0.0), _c(2, importance=0, hours_ago=0, relevance=0.5)]
    assert retrieval.scores(candidates, now=NOW) == {1: 1.0, 2: 2.0}
    weighted = retrieval.scores(candidates, now=NOW, weights={"importance": 3.0, "relevance": 0.5})
    assert weighted == {1: 3.0, 2: 1.5}


def test_top_orders_best_first_and_cuts_at_limit():
    candidates = [_c(1, importance=1), _c(2, importance=9), _c(3, importance=5)]
    assert retrieval.top(candidates, now=NOW, limit=2) == [2, 3]
    assert retrieval.top(candidates, now=NOW, limit=2, weights={"importance": 0.0}) == [3, 2]  # ties: newest id


def test_word_overlap():
    assert retrieval.word_overlap(query="the red lamps", content="Lamps glowing; red as embers") == 1.0
    assert retrieval.word_overlap(query="red river", content="A red lamp") == 0.5
    assert retrieval.word_overlap(query="the of", content="anything") == 0.0


@pytest.mark.django_db
def test_memories_retrieve_picks_the_best_and_refreshes_them_in_one_update(django_assert_num_queries):
    clock = WorldClockFactory(world_time=NOW)
    me, other = CharacterFactory(), CharacterFactory()
    long_ago = NOW - timedelta(hours=500)
    stale = MemoryFactory(character=me, content="bread", importance_score=2, last_accessed_world_at=long_ago)
    key = MemoryFactory(character=me, content="Spectra's red lamp", importance_score=9, last_accessed_world_at=long_ago)
    MemoryFactory(character=me, content="rain", importance_score=1, last_accessed_world_at=NOW)
    MemoryFactory(character=other, content="red lamp too", importance_score=10)

    with django_assert_num_queries(3):  # clock, candidates, one UPDATE
        recalled = memories_retrieve(character=me, query="red lamp", limit=2)

    assert recalled[0] == key and len(recalled) == 2 and all(m.character == me for m in recalled)
    refreshed = Memory.objects.get(id=key.id)
    assert refreshed.last_accessed_world_at == clock.world_time
    assert Memory.objects.get(id=stale.id).last_accessed_world_at in (long_ago, clock.world_time)


@pytest.mark.django_db
def test_retrieval_without_a_query_weighs_recency_and_importance():
    WorldClockFactory(world_time=NOW)
    me = CharacterFactory()
    MemoryFactory(character=me, importance_score=1, last_accessed_world_at=NOW - timedelta(hours=1000))
    fresh = MemoryFactory(character=me, importance_score=5, last_accessed_world_at=NOW)
    important = MemoryFactory(character=me, importance_score=10, last_accessed_world_at=NOW - timedelta(hours=50))

    assert memories_retrieve(character=me, query=None, limit=2) == [important, fresh]
    assert memories_retrieve(character=me, query="", limit=10)[0] in (important, fresh)


@pytest.mark.django_db
def test_retrieval_is_bounded_by_its_candidate_set(settings):
    settings.MEMORY_RETRIEVAL_CANDIDATES = 5
    WorldClockFactory(world_time=NOW)
    me = CharacterFactory()
    Memory.objects.bulk_create(
        [
            Memory(character=me, content=f"thing {i}", importance_score=i % 10, last_accessed_world_at=NOW)
            for i in range(50)
        ]
    )
    # Scored: the 5 most recently recalled, most important and most relevant (overlapping).
    recalled = memories_retrieve(character=me, query="thing", limit=10)
    assert 5 <= len(recalled) <= 10 and recalled[0].importance_score == 9


@pytest.mark.django_db
def test_postgres_matches_relevant_memories_through_the_text_index():
    """The GIN index (migration 0004) serves only the exact expression it was built on: if the
    selector's SearchVector drifted from it, retrieval would quietly go back to parsing every
    memory. Asks the planner, with sequential scans off, how it finds the relevant ones."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from memory.selectors import memories_rank, memory_list

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL index")
    me = CharacterFactory()
    Memory.objects.bulk_create(
        Memory(
            character=me,
            content=f"The lighthouse at dusk {i}." if i % 100 == 0 else f"Bread and rain {i}.",
            type="long_term" if i % 3 else "short_term",  # the index holds the lasting ones only
        )
        for i in range(3000)
    )
    with CaptureQueriesContext(connection) as captured:
        found = memories_rank(memories=memory_list(character=me), query="the lighthouse", now=NOW, limit=5)
    (sql,) = [query["sql"] for query in captured if "@@" in query["sql"]]
    assert {memory.type for memory in found if "lighthouse" in memory.content} == {"long_term", "short_term"}

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE memory_memory")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "memory_content_english_fts" in plan, plan
