"""One pagination shape for every list of the API (htrae.pagination): `results`, `next`,
`next_cursor`; `cursor` and `limit` to ask. Each list walked one row a page gives what one big
page gives, in the same order, each row once; a cursor that is forged, tampered with or from
another list is a 404 `not_found` (no such page); the OpenAPI schema says so for every list, and has no
bare list left."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from htrae.pagination import cursor_encode
from memory.models import Belief
from narrative.models import Conversation, ConversationMessage, QuestAssignment
from spectra.models import EmotionSample
from tests.factories import (
    CharacterFactory,
    FactionFactory,
    LocationFactory,
    LoreEntryFactory,
    MemoryFactory,
    PlayerFactory,
    QuestFactory,
    QuestStepFactory,
    WorldClockFactory,
)
from world.models import Character, GameEvent

ROWS = 6


@pytest.fixture
def lists(db):
    """Six rows in every list, with ties in the sort keys the cursors must break by id."""
    here = LocationFactory(name="Ash", is_starting_location=True)
    WorldClockFactory()
    player = PlayerFactory(name="wren", user__username="wren", location=here)
    spectra = CharacterFactory(kind=Character.Kind.SPECTRA, name="Spectra", slug="spectra", location=here)
    giver = CharacterFactory(name="Oren", location=here)
    for n in range(ROWS):
        FactionFactory(name=f"Faction {n}")
        LoreEntryFactory(title="Same title" if n < 3 else f"Entry {n}")
        MemoryFactory(character=player, importance_score=5, timestamp=timezone.now())
        GameEvent.objects.create(type="BELL_RANG", tick=n, location=here)
        quest = QuestFactory(title=f"Quest {n}", giver=giver, created_tick=n // 2)
        QuestStepFactory(quest=quest, order=1)
        if n < 3:
            QuestAssignment.objects.create(character=player, quest=quest)
        EmotionSample.objects.create(
            character=spectra, tick=n, world_time=timezone.now(), mood="calm", pleasure=0, arousal=0, dominance=0,
            intensity=0,
        )  # fmt: skip
        talk = Conversation.objects.create(topic=f"talk {n}", location=here, started_tick=n)
        ConversationMessage.objects.create(conversation=talk, speaker=giver, text=f"line {n}", tick=n)
        Belief.objects.create(
            character=spectra, subject_kind="topic", subject_name=f"topic {n}", subject_key=f"topic:{n}",
            stance="trust", confidence=0.5, statement=f"Belief {n}", tick=1,
        )  # fmt: skip
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=player.user).key}")
    return {"client": client, "player": player}


def list_urls(player) -> dict[str, str]:
    """Every list of the API, by its OpenAPI operation id (each with at least ROWS rows)."""
    return {
        "events_list": "/api/events",
        "lore_list": "/api/lore",
        "factions_list": "/api/factions",
        "character_memories": f"/api/character/{player.id}/memories",
        "character_quests_list": f"/api/character/{player.id}/quests",
        "character_quests_list (available)": f"/api/character/{player.id}/quests?status=available",
        "spectra_history": "/api/spectra/history",
        "spectra_beliefs": "/api/spectra/beliefs",
        "conversations_list": "/api/conversations",
    }


def with_query(url: str, **params) -> str:
    return url + ("&" if "?" in url else "?") + "&".join(f"{key}={value}" for key, value in params.items())


def identity(row: dict):
    """A row's own key: an id, else a quest on offer's or a faction's slug, else a sample's tick."""
    return row.get("id") or row.get("quest") or row.get("slug") or row["tick"]


def test_every_list_is_a_page_of_the_one_shape_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    pages = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation["responses"].get("200", operation["responses"].get("201", {}))
            content = body.get("content", {}).get("application/json", {}).get("schema", {})
            shape = components[content["$ref"].rsplit("/", 1)[1]] if "$ref" in content else content
            assert shape.get("type") != "array", f"{method.upper()} {path} answers a bare list"
            if "results" in shape.get("properties", {}):
                pages.add(operation["operationId"])
                assert {"results", "next", "next_cursor"} <= set(shape["required"]), path
                assert shape["properties"]["next_cursor"].get("nullable") is True, path
                assert {"cursor", "limit"} <= {parameter["name"] for parameter in operation["parameters"]}, path

    assert pages == {name.split(" ")[0] for name in list_urls(PlayerFactory.build(id=1))}


@pytest.mark.parametrize("name", list(list_urls(PlayerFactory.build(id=1))))
def test_walking_a_list_one_row_a_page_gives_the_whole_list_once(lists, name):
    client, url = lists["client"], list_urls(lists["player"])[name]
    whole = client.get(with_query(url, limit=100)).json()
    assert set(whole) >= {"results", "next", "next_cursor"}
    assert whole["next"] is None and whole["next_cursor"] is None
    assert len(whole["results"]) >= 3

    walked, page_url = [], with_query(url, limit=1)
    while page_url:
        page = client.get(page_url)
        assert page.status_code == 200, page.content
        body = page.json()
        assert len(body["results"]) <= 1
        walked += body["results"]
        page_url = body["next"]
        if page_url:
            assert parse_qs(urlsplit(page_url).query)["cursor"] == [body["next_cursor"]]
        assert len(walked) <= len(whole["results"])

    assert [identity(row) for row in walked] == [identity(row) for row in whole["results"]]


@pytest.mark.parametrize("name", list(list_urls(PlayerFactory.build(id=1))))
def test_a_forged_tampered_or_foreign_cursor_finds_no_page(lists, name):
    client, urls = lists["client"], list_urls(lists["player"])
    url = urls[name]
    genuine = client.get(with_query(url, limit=1)).json()["next_cursor"]
    other = next(other for other in urls.values() if other.split("?")[0] != url.split("?")[0])
    foreign = client.get(with_query(other, limit=1)).json()["next_cursor"]
    tampered = genuine[:-3] + ("AAA" if not genuine.endswith("AAA") else "BBB")
    position_of_another_list = cursor_encode([1, 2, 3, 4, 5, 6], scope="some-other-list")

    for cursor in ("forged", tampered, foreign, position_of_another_list):
        response = client.get(with_query(url, cursor=cursor))
        assert response.status_code == 404, (cursor, response.content)
        assert response.json()["code"] == "not_found"
    empty = client.get(with_query(url, cursor=""))  # not even a cursor: bad input
    assert empty.status_code == 400 and set(empty.json()["errors"]) == {"cursor"}


def test_events_keep_after_and_a_cursor_wins_over_it(lists):
    client = lists["client"]
    ids = [event["id"] for event in client.get("/api/events").json()["results"]]

    after = client.get(f"/api/events?after={ids[1]}").json()
    first = client.get("/api/events?limit=2").json()
    both = client.get(f"/api/events?after={ids[3]}&cursor={first['next_cursor']}").json()

    assert [event["id"] for event in after["results"]] == ids[2:] and after["last_id"] == ids[-1]
    assert [event["id"] for event in both["results"]] == ids[2:]  # the cursor's position, not `after`
    assert "after" not in parse_qs(urlsplit(first["next"]).query)
