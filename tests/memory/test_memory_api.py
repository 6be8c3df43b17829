"""POST /api/memory and GET /api/character/{id}/memories: permissions, validation, filters,
ordering, cursor pagination and relevance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from memory.models import Memory
from tests.factories import CharacterFactory, MemoryFactory, PlayerFactory, UserFactory, WorldClockFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def player():
    return PlayerFactory()


@pytest.fixture
def as_player(api_client, player):
    api_client.force_authenticate(player.user)
    return api_client


@pytest.fixture
def npc():
    return CharacterFactory(name="Oren")


def _post(client, **overrides):
    body = {"character_id": None, "content": "The lamps dimmed.", "type": "short_term", "importance_score": 4}
    body.update(overrides)
    return client.post("/api/memory", body, format="json")


def _list(client, character, **params):
    return client.get(f"/api/character/{character.id}/memories", params)


# --- Create ----------------------------------------------------------------------------------


def test_a_player_writes_a_memory_of_their_own_character(as_player, player):
    WorldClockFactory(tick=7)
    response = _post(as_player, character_id=player.id, type="emotional", importance_score=7.5)

    assert response.status_code == 201, response.json()
    memory = Memory.objects.get()
    body = response.json()
    assert body["id"] == memory.id and body["character_id"] == player.id
    assert (memory.content, memory.type, memory.importance_score, memory.tick) == (
        "The lamps dimmed.",
        "emotional",
        7.5,
        7,
    )
    assert memory.last_accessed_world_at is not None


def test_a_player_may_not_write_to_another_character(as_player, npc):
    response = _post(as_player, character_id=npc.id)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Memory.objects.exists()


@pytest.mark.parametrize("who", ["staff", "designer"])
def test_staff_and_designers_write_to_any_character(api_client, npc, who, request):
    user = UserFactory(is_staff=True) if who == "staff" else request.getfixturevalue("designer")
    if who == "designer":
        user.is_staff = False  # the group alone is enough
        user.save()
    api_client.force_authenticate(user)

    assert _post(api_client, character_id=npc.id).status_code == 201
    assert Memory.objects.get().character == npc


def test_a_user_without_a_character_may_not_write(api_client, npc):
    api_client.force_authenticate(UserFactory())
    assert _post(api_client, character_id=npc.id).status_code == 403


def test_anonymous_requests_are_refused(api_client, npc):
    assert _post(api_client, character_id=npc.id).status_code in (401, 403)
    assert _list(api_client, npc).status_code in (401, 403)


def test_an_unknown_character_is_a_404(api_client):
    api_client.force_authenticate(UserFactory(is_staff=True))
    response = _post(api_client, character_id=999_999)

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_character"
    assert _list(api_client, type("C", (), {"id": 999_999})).json()["code"] == "unknown_character"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("type", "reflection"),  # formed by the cortex only
        ("type", "dream"),
        ("importance_score", -0.1),
        ("importance_score", 10.5),
        ("importance_score", "high"),
        ("content", ""),
        ("content", "   "),
        ("content", "x" * 4001),
        ("character_id", "abc"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(as_player, player, field, value):
    response = _post(as_player, **{"character_id": player.id, field: value})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"]
    assert not Memory.objects.exists()


@pytest.mark.parametrize("missing", ["character_id", "content", "type", "importance_score"])
def test_every_field_is_required(as_player, player, missing):
    body = {"character_id": player.id, "content": "x", "type": "short_term", "importance_score": 1}
    del body[missing]
    response = as_player.post("/api/memory", body, format="json")
    assert response.status_code == 400 and missing in response.json()["errors"]


def test_content_of_exactly_4000_characters_is_accepted(as_player, player):
    assert _post(as_player, character_id=player.id, content="x" * 4000).status_code == 201


# --- List ----------------------------------------------------------------------------------


def test_a_player_sees_only_their_own_characters_memories(as_player, player, npc):
    MemoryFactory(character=player, content="mine")
    MemoryFactory(character=npc, content="theirs")

    response = _list(as_player, player)
    assert [m["content"] for m in response.json()["results"]] == ["mine"]
    denied = _list(as_player, npc)
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"


def test_filters(as_player, player):
    now = timezone.now()
    old = MemoryFactory(character=player, type="long_term", importance_score=9, timestamp=now - timedelta(days=2))
    mid = MemoryFactory(character=player, type="short_term", importance_score=5, timestamp=now - timedelta(days=1))
    new = MemoryFactory(character=player, type="emotional", importance_score=1, timestamp=now, content="A red lamp")

    def ids(**params):
        response = _list(as_player, player, **params)
        assert response.status_code == 200, response.json()
        return [m["id"] for m in response.json()["results"]]

    assert ids() == [new.id, mid.id, old.id]
    assert ids(type="long_term") == [old.id]
    assert ids(min_importance=5) == [mid.id, old.id]
    assert ids(max_importance=5) == [new.id, mid.id]
    assert ids(min_importance=2, max_importance=6) == [mid.id]
    assert ids(since=(now - timedelta(hours=36)).isoformat()) == [new.id, mid.id]
    assert ids(until=(now - timedelta(hours=12)).isoformat()) == [mid.id, old.id]
    assert ids(query="lamp") == [new.id]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"type": "dream"}, "type"),
        ({"min_importance": "x"}, "min_importance"),
        ({"min_importance": 11}, "min_importance"),
        ({"max_importance": -1}, "max_importance"),
        ({"since": "yesterday"}, "since"),
        ({"until": "2026-13-01"}, "until"),
        ({"ordering": "name"}, "ordering"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"type": ""}, "type"),  # an empty value is a value, not an absent parameter
        ({"since": ""}, "since"),
        ({"limit": "2.0"}, "limit"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(as_player, player, params, field):
    response = _list(as_player, player, **params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "params",
    [
        {"min_importance": 6, "max_importance": 2},
        {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
    ],
)
def test_bounds_that_cross_match_nothing(as_player, player, params):
    MemoryFactory(character=player, importance_score=4, timestamp=timezone.now())

    response = _list(as_player, player, **params)

    assert response.status_code == 200 and response.json()["results"] == []


def test_relevance_without_a_query_ranks_by_recency_and_importance(as_player, player):
    WorldClockFactory()
    MemoryFactory(character=player, content="A quiet walk by the river.", importance_score=1)
    weighty = MemoryFactory(character=player, content="Spectra wept at the gate.", importance_score=9)

    response = _list(as_player, player, ordering="relevance", limit=1)

    assert response.status_code == 200
    assert [m["id"] for m in response.json()["results"]] == [weighty.id]


def test_a_body_value_of_the_wrong_json_type_is_a_400_naming_it(as_player, player):
    response = _post(as_player, character_id=player.id, content=12, importance_score="4")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"content", "importance_score"}
    assert not Memory.objects.exists()


def test_orderings(as_player, player):
    now = timezone.now()
    a = MemoryFactory(character=player, importance_score=2, timestamp=now - timedelta(hours=2))
    b = MemoryFactory(character=player, importance_score=8, timestamp=now - timedelta(hours=1))
    c = MemoryFactory(character=player, importance_score=5, timestamp=now)

    def ids(ordering):
        return [m["id"] for m in _list(as_player, player, ordering=ordering).json()["results"]]

    assert ids("-timestamp") == [c.id, b.id, a.id]
    assert ids("timestamp") == [a.id, b.id, c.id]
    assert ids("-importance_score") == [b.id, c.id, a.id]
    assert ids("importance_score") == [a.id, c.id, b.id]


@pytest.mark.parametrize("ordering", ["-timestamp", "importance_score"])
def test_cursor_pagination_walks_every_memory_once(as_player, player, ordering):
    now = timezone.now()
    made = {
        MemoryFactory(character=player, importance_score=i % 3, timestamp=now - timedelta(minutes=i)).id
        for i in range(25)
    }
    seen, url, pages = [], f"/api/character/{player.id}/memories?limit=10&ordering={ordering}", 0
    while url:
        body = as_player.get(url).json()
        seen += [m["id"] for m in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 3 and len(seen) == 25 and set(seen) == made


def test_a_bad_cursor_is_a_404_error_body(as_player, player):
    response = _list(as_player, player, cursor="not-a-cursor")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_cursor_of_one_ordering_is_refused_in_another(as_player, player):
    MemoryFactory.create_batch(3, character=player)
    first = _list(as_player, player, limit=1, ordering="-timestamp").json()

    by_importance = _list(as_player, player, limit=1, ordering="importance_score", cursor=first["next_cursor"])
    same = _list(as_player, player, limit=1, ordering="-timestamp", cursor=first["next_cursor"])

    assert by_importance.status_code == 404 and by_importance.json()["code"] == "not_found"
    assert same.status_code == 200 and same.json()["results"][0]["id"] != first["results"][0]["id"]


def test_relevance_ordering_ranks_by_the_query_and_returns_the_top_limit(as_player, player):
    WorldClockFactory()
    MemoryFactory(character=player, content="The bread at the market was stale.", importance_score=3)
    lamp = MemoryFactory(character=player, content="Spectra made the lamps glow red.", importance_score=3)
    MemoryFactory(character=player, content="A quiet walk by the river.", importance_score=3)
    before = Memory.objects.get(id=lamp.id).last_accessed_world_at

    response = _list(as_player, player, ordering="relevance", query="red lamps glow", limit=2)

    body = response.json()
    assert response.status_code == 200 and body["next"] is None
    assert len(body["results"]) == 2 and body["results"][0]["id"] == lamp.id
    # Listing is not recalling.
    assert Memory.objects.get(id=lamp.id).last_accessed_world_at == before


def test_the_schema_documents_both_endpoints(client):
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert "post" in paths["/api/memory"]
    assert "get" in paths["/api/character/{character_id}/memories"]
