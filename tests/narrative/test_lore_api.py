"""GET /api/lore and /api/lore/{slug}: search, category filter, pagination, secrets hidden
until discovered, and discovery by visiting or meeting what a secret is linked to."""

from urllib.parse import parse_qs, urlsplit

import pytest

from narrative.lore.services import lore_discover
from narrative.models import LoreDiscovery, LoreEntry
from tests.factories import (
    CharacterFactory,
    LocationFactory,
    LoreEntryFactory,
    PathFactory,
    PlayerFactory,
    UserFactory,
    WorldClockFactory,
)
from world.services import player_interact, player_move

SECRET = LoreEntry.Category.SECRET


@pytest.fixture
def player(db):
    return PlayerFactory()


@pytest.fixture
def player_client(api_client, player):
    api_client.force_authenticate(player.user)
    return api_client


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [entry["slug"] for entry in response.json()["results"]]


@pytest.mark.django_db
def test_search_and_category(player_client):
    LoreEntryFactory(slug="sun", title="The Sun-Prism", category="history", body="Light.")
    LoreEntryFactory(slug="river", title="River", category="place", summary="Where the sun drowns.")
    LoreEntryFactory(slug="moth", title="Moth", category="myth", body="A SUN-moth sings.")
    LoreEntryFactory(slug="stone", title="Stone", category="myth", body="Grey.")

    assert _slugs(player_client.get("/api/lore")) == ["moth", "river", "stone", "sun"]
    assert _slugs(player_client.get("/api/lore", {"search": "sun"})) == ["moth", "river", "sun"]
    assert _slugs(player_client.get("/api/lore", {"category": "myth"})) == ["moth", "stone"]
    assert _slugs(player_client.get("/api/lore", {"category": "myth", "search": "sun"})) == ["moth"]


@pytest.mark.django_db
def test_pagination(player_client):
    for n in range(5):
        LoreEntryFactory(slug=f"e{n}", title=f"Entry {n}")
    first = player_client.get("/api/lore", {"limit": 2})
    assert _slugs(first) == ["e0", "e1"]
    assert set(first.json()) == {"results", "next", "next_cursor"}
    query = parse_qs(urlsplit(first.json()["next"]).query)
    assert query == {"cursor": [first.json()["next_cursor"]], "limit": ["2"]}
    second = player_client.get(first.json()["next"])
    assert _slugs(second) == ["e2", "e3"]
    # A row added before the position does not shift the pages after it (a cursor, not an offset).
    LoreEntryFactory(slug="early", title="Entry 0a")
    last = player_client.get(second.json()["next"])
    assert _slugs(last) == ["e4"] and last.json()["next"] is None and last.json()["next_cursor"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "gossip"}, "category"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1000"}, "limit"),
        ({"cursor": ""}, "cursor"),
    ],
)
def test_bad_input_is_400(player_client, params, field):
    response = player_client.get("/api/lore", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["errors"]


@pytest.mark.django_db
def test_secrets_are_hidden_until_discovered(player_client, player):
    LoreEntryFactory(slug="open", title="Open")
    secret = LoreEntryFactory(slug="hidden", title="Hidden", category=SECRET, body="The prism thinks.")
    assert _slugs(player_client.get("/api/lore")) == ["open"]
    assert _slugs(player_client.get("/api/lore", {"search": "prism"})) == []
    assert _slugs(player_client.get("/api/lore", {"category": "secret"})) == []
    unknown = player_client.get("/api/lore/nowhere")
    hidden = player_client.get("/api/lore/hidden")
    assert unknown.status_code == hidden.status_code == 404
    assert unknown.json() == hidden.json()

    lore_discover(character=player, entry=secret, tick=4)
    lore_discover(character=player, entry=secret, tick=9)  # once only
    assert LoreDiscovery.objects.get().discovered_tick == 4
    assert _slugs(player_client.get("/api/lore")) == ["hidden", "open"]
    assert player_client.get("/api/lore/hidden").json()["body"] == "The prism thinks."


@pytest.mark.django_db
def test_another_players_discovery_does_not_reveal(player_client):
    secret = LoreEntryFactory(slug="hidden", category=SECRET)
    lore_discover(character=PlayerFactory(), entry=secret, tick=0)
    assert player_client.get("/api/lore/hidden").status_code == 404


@pytest.mark.django_db
def test_staff_and_designers_see_everything(api_client, designer):
    LoreEntryFactory(slug="hidden", category=SECRET)
    api_client.force_authenticate(designer)
    assert _slugs(api_client.get("/api/lore")) == ["hidden"]
    assert api_client.get("/api/lore/hidden").status_code == 200
    api_client.force_authenticate(UserFactory(is_staff=True))
    assert api_client.get("/api/lore/hidden").status_code == 200


@pytest.mark.django_db
def test_an_account_without_character_sees_no_secrets(api_client):
    LoreEntryFactory(slug="hidden", category=SECRET)
    api_client.force_authenticate(UserFactory())
    assert _slugs(api_client.get("/api/lore")) == []


@pytest.mark.django_db
def test_entry_detail_shows_links(player_client, seeded_world):
    body = player_client.get("/api/lore/the-aureate-choir").json()
    assert body["category"] == "history"
    assert [f["slug"] for f in body["factions"]] == ["luminari"]
    assert {loc["slug"] for loc in body["locations"]} == {"aurel-ruins", "sunspire"}


@pytest.mark.django_db
def test_list_queries_are_constant(player_client, player, django_assert_max_num_queries):
    location = LocationFactory()
    for n in range(8):
        entry = LoreEntryFactory(category=SECRET if n % 2 else "myth")
        entry.locations.add(location)
        if n % 4 == 1:
            lore_discover(character=player, entry=entry, tick=0)
    with django_assert_max_num_queries(8):
        response = player_client.get("/api/lore")
    assert len(response.json()["results"]) == 6


# --- Discovery through the event bus -------------------------------------------------------


@pytest.mark.django_db
def test_arriving_somewhere_discovers_its_secrets(player):
    WorldClockFactory(tick=7)
    ruins = LocationFactory(slug="ruins")
    PathFactory(source=player.location, target=ruins)
    here_secret = LoreEntryFactory(category=SECRET)
    here_secret.locations.add(ruins)
    elsewhere = LoreEntryFactory(category=SECRET)
    elsewhere.locations.add(LocationFactory())
    myth = LoreEntryFactory(category="myth")
    myth.locations.add(ruins)

    player_move(character=player, data={"to": ruins.id}, tick=7)

    assert list(LoreDiscovery.objects.values_list("entry_id", "discovered_tick")) == [(here_secret.id, 7)]


@pytest.mark.django_db
def test_meeting_someone_discovers_their_secrets(player):
    WorldClockFactory(tick=2)
    keeper = CharacterFactory(location=player.location)
    secret = LoreEntryFactory(category=SECRET)
    secret.characters.add(keeper)
    player_interact(character=player, data={"target": {"type": "character", "id": keeper.id}}, tick=2)
    player_interact(character=player, data={"target": {"type": "character", "id": keeper.id}}, tick=3)
    assert list(LoreDiscovery.objects.values_list("character_id", "entry_id", "discovered_tick")) == [
        (player.id, secret.id, 2)
    ]


@pytest.mark.django_db
def test_discovery_subscriber_queries_are_constant(django_assert_max_num_queries):
    from htrae.vocabulary import EventType
    from narrative.lore.subscribers import discover_secrets
    from world.models import GameEvent

    places = LocationFactory.create_batch(6)
    for place in places:
        entry = LoreEntryFactory(category=SECRET)
        entry.locations.add(place)
    players = PlayerFactory.create_batch(6)
    events = [
        GameEvent(type=EventType.PLAYER_MOVED, actor_id=p.id, location_id=place.id, payload={"actor_kind": "player"})
        for p, place in zip(players, places, strict=True)
    ]
    with django_assert_max_num_queries(3):
        discover_secrets(events)
    assert LoreDiscovery.objects.count() == 6
