"""The player's world over REST: surroundings (/api/world/state), time (/api/world/time) and
the event log (/api/events); who may see what, bad query parameters, and query counts that do
not grow with the world."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.factories import (
    CharacterFactory,
    FactionFactory,
    LocationFactory,
    PathFactory,
    PlayerFactory,
    UserFactory,
    WorldClockFactory,
    WorldObjectFactory,
)
from world import selectors
from world.models import Character, GameEvent
from world.selectors import locations_surroundings, time_of_day

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/api/world/state", "/api/world/time", "/api/events"]
MAX_SURROUNDINGS_QUERIES = 5


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def event_json(event: GameEvent) -> dict:
    return {
        "id": event.id,
        "type": event.type,
        "tick": event.tick,
        "timestamp": iso(event.timestamp),
        "actor_id": event.actor_id,
        "location_id": event.location_id,
        "payload": event.payload,
    }


def event_at(location, *, actor=None, type="NPC_MOVED", tick=1, **payload) -> GameEvent:
    return GameEvent.objects.create(type=type, location=location, actor=actor, tick=tick, payload=payload)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Every player has a user with a password; these tests make hundreds of them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """Sunspire with its people, things and paths; the player Wren stands there."""
    clock = WorldClockFactory(tick=42)
    here = LocationFactory(
        name="Sunspire",
        slug="sunspire",
        description="A tower of glass.",
        region="Heartlands",
        map_x=1.5,
        map_y=-2.0,
        light=0.4,
        color="#ffcc88",
        sound="bells",
    )
    market, grove, cellar, far = (
        LocationFactory(name="Market", slug="market"),
        LocationFactory(name="Grove", slug="grove"),
        LocationFactory(name="Cellar", slug="cellar"),
        LocationFactory(name="Far Shore", slug="far-shore"),
    )
    PathFactory(source=here, target=market, travel_cost=2, two_way=False, description="Down the steps.")
    PathFactory(source=grove, target=here, travel_cost=3, two_way=True, description="A mossy trail.")
    PathFactory(source=cellar, target=here, two_way=False)  # one way in: no exit from here
    PathFactory(source=market, target=far)

    luminari = FactionFactory(name="Luminari", slug="luminari")
    player = PlayerFactory(name="Wren", location=here, user__username="wren")
    spectra = CharacterFactory(
        name="Spectra", kind=Character.Kind.SPECTRA, location=here, emotional_state={"mood": "joy"}
    )
    aldo = CharacterFactory(name="Aldo", location=here, faction=luminari, emotional_state={"mood": "wary"})
    bree = CharacterFactory(name="Bree", location=here, emotional_state={})
    zed = PlayerFactory(name="Zed", location=here)
    CharacterFactory(name="Ghost", location=here, is_active=False)
    CharacterFactory(name="Trader", location=market)

    lamp = WorldObjectFactory(name="Lamp", slug="lamp", kind="tool", description="Still warm.", location=here)
    WorldObjectFactory(name="Key", location=market)
    WorldObjectFactory(name="Pouch", location=None, holder=aldo)
    return {
        "clock": clock,
        "here": here,
        "market": market,
        "grove": grove,
        "cellar": cellar,
        "player": player,
        "spectra": spectra,
        "aldo": aldo,
        "bree": bree,
        "zed": zed,
        "luminari": luminari,
        "lamp": lamp,
    }


@pytest.fixture
def player_client(api_client, world):
    api_client.force_authenticate(world["player"].user)
    return api_client


# --- Authentication -----------------------------------------------------------------------


@pytest.mark.parametrize("url", ENDPOINTS)
def test_endpoints_need_authentication(api_client, world, url):
    response = api_client.get(url)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_user_without_a_character_gets_no_character(api_client, world, url):
    api_client.force_authenticate(UserFactory(is_staff=True, is_superuser=True))

    response = api_client.get(url)

    assert response.status_code == 404
    assert response.json()["code"] == "no_character"


@pytest.mark.parametrize("url", ENDPOINTS)
def test_endpoints_accept_the_players_token(api_client, world, url):
    token = Token.objects.create(user=world["player"].user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    assert api_client.get(url).status_code == 200


def test_the_schema_lists_the_world_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    paths = json.loads(response.content)["paths"]
    assert {"/api/world/state", "/api/world/time", "/api/events"} <= set(paths)


# --- /api/world/state -----------------------------------------------------------------------


def test_state_shows_every_field_of_the_surroundings(player_client, world):
    here = world["here"]
    seen = [event_at(here, actor=world["aldo"], tick=41, to="sunspire"), event_at(here, type="BELL_RANG", tick=42)]
    elsewhere = event_at(world["market"])

    response = player_client.get("/api/world/state")

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"tick", "event_id", "location", "characters", "population", "objects", "exits", "events"}
    assert body["tick"] == 42
    assert body["event_id"] == elsewhere.id  # the log's last id, wherever it happened: the resync point
    assert body["location"] == {
        "id": here.id,
        "slug": "sunspire",
        "name": "Sunspire",
        "description": "A tower of glass.",
        "region": "Heartlands",
        "map": {"x": 1.5, "y": -2.0},
        "environment": {"light": 0.4, "color": "#ffcc88", "sound": "bells"},
    }
    luminari = world["luminari"]
    assert body["characters"] == [
        {"id": world["spectra"].id, "name": "Spectra", "kind": "spectra", "faction": None, "mood": "joy"},
        {"id": world["player"].id, "name": "Wren", "kind": "player", "faction": None, "mood": "calm"},
        {"id": world["zed"].id, "name": "Zed", "kind": "player", "faction": None, "mood": "calm"},
        {
            "id": world["aldo"].id,
            "name": "Aldo",
            "kind": "npc",
            "faction": {"id": luminari.id, "slug": "luminari", "name": "Luminari"},
            "mood": "wary",
        },
        {"id": world["bree"].id, "name": "Bree", "kind": "npc", "faction": None, "mood": "calm"},
    ]
    # Wren, Spectra, Zed, Aldo, Bree: the inactive Ghost sits out.
    assert body["population"] == 5
    assert body["objects"] == [
        {"id": world["lamp"].id, "slug": "lamp", "name": "Lamp", "kind": "tool", "description": "Still warm."}
    ]
    assert body["exits"] == [
        {
            "id": world["grove"].id,
            "slug": "grove",
            "name": "Grove",
            "travel_cost": 3,
            "description": "A mossy trail.",
        },
        {
            "id": world["market"].id,
            "slug": "market",
            "name": "Market",
            "travel_cost": 2,
            "description": "Down the steps.",
        },
    ]
    assert body["events"] == [event_json(event) for event in seen]


def test_state_is_exactly_what_its_documented_serializer_gives(player_client, world):
    # the view returns the selector's dict as it is (as each world_update carries it): the
    # schema's serializer must render it unchanged, key for key and value for value
    from world.api import WorldStateApi

    event_at(world["here"], actor=world["aldo"], tick=41, to="sunspire")
    body = player_client.get("/api/world/state").json()

    assert body["events"] and body["characters"] and body["exits"]
    assert json.dumps(WorldStateApi.OutputSerializer(body).data) == json.dumps(body)


def test_state_shows_the_latest_twenty_events_oldest_first(player_client, world):
    events = [event_at(world["here"], tick=n) for n in range(25)]

    body = player_client.get("/api/world/state").json()

    assert [event["id"] for event in body["events"]] == [event.id for event in events[-20:]]


def test_state_caps_characters_at_fifty_and_counts_everyone(player_client, world):
    CharacterFactory.create_batch(60, location=world["here"])

    body = player_client.get("/api/world/state").json()

    assert len(body["characters"]) == 50
    assert world["player"].id in {present["id"] for present in body["characters"]}  # players before NPCs
    assert body["population"] == 5 + 60


def test_state_shows_the_first_fifty_even_when_the_player_sorts_past_them(player_client, world):
    # The place as everyone sees it: players whose names sort before Wren's push her out of
    # the first fifty, as they would anyone's (population still counts her).
    for n in range(55):
        PlayerFactory(name=f"Ash {n:02}", location=world["here"])

    body = player_client.get("/api/world/state").json()

    assert len(body["characters"]) == 50
    assert [present["kind"] for present in body["characters"][:3]] == ["spectra", "player", "player"]
    assert world["player"].id not in {present["id"] for present in body["characters"]}


def test_state_is_no_character_when_the_character_is_deleted_while_it_is_read(player_client, world, monkeypatch):
    # the account's character id is read first, its place next: a delete between the two is
    # a 404 as if it had none, never a 500
    found = selectors.player_character_id_required

    def then_deleted(*, user):
        character_id = found(user=user)
        Character.objects.filter(id=character_id).delete()
        return character_id

    monkeypatch.setattr(selectors, "player_character_id_required", then_deleted)
    response = player_client.get("/api/world/state")

    assert response.status_code == 404
    assert response.json()["code"] == "no_character"


def test_state_is_503_before_the_clock_exists(player_client, world):
    world["clock"].delete()

    response = player_client.get("/api/world/state")

    assert response.status_code == 503
    assert response.json()["code"] == "world_not_ready"


# --- locations_surroundings -------------------------------------------------------------------


def test_surroundings_of_many_locations_in_one_call(world):
    here, market, grove = world["here"], world["market"], world["grove"]

    result = locations_surroundings(location_ids=[here.id, market.id, grove.id, 999_999], characters_limit=3)

    assert set(result) == {here.id, market.id, grove.id}
    # Everyone present, the player too, capped per location; the population is not capped.
    assert [c["name"] for c in result[here.id]["characters"]] == ["Spectra", "Wren", "Zed"]
    assert result[here.id]["population"] == 5
    assert [c["name"] for c in result[market.id]["characters"]] == ["Trader"]
    assert result[market.id]["population"] == 1
    assert result[grove.id]["characters"] == []
    assert result[grove.id]["population"] == 0
    assert [o["name"] for o in result[market.id]["objects"]] == ["Key"]
    # Market: its one-way path to Far Shore; Sunspire → Market is one way, so no way back.
    assert [e["slug"] for e in result[market.id]["exits"]] == ["far-shore"]
    assert [e["slug"] for e in result[grove.id]["exits"]] == ["sunspire"]


def test_surroundings_of_no_locations_cost_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert locations_surroundings(location_ids=[]) == {}


def test_two_paths_between_the_same_places_give_one_exit_the_cheaper(world):
    here, grove = world["here"], world["grove"]
    PathFactory(source=here, target=grove, travel_cost=7, two_way=True)

    exits = locations_surroundings(location_ids=[here.id])[here.id]["exits"]

    assert [(e["slug"], e["travel_cost"]) for e in exits] == [("grove", 3), ("market", 2)]


def test_events_are_capped_per_location(world):
    here, market = world["here"], world["market"]
    at_here = [event_at(here, tick=n) for n in range(6)]
    at_market = [event_at(market, tick=n) for n in range(2)]

    result = locations_surroundings(location_ids=[here.id, market.id], events_limit=4)

    assert [e["id"] for e in result[here.id]["events"]] == [e.id for e in at_here[-4:]]
    assert [e["id"] for e in result[market.id]["events"]] == [e.id for e in at_market]


def test_latest_events_stay_right_past_the_range_limit(db):
    # More locations with many events than the latest-events query gives ranges of their
    # own: neighbours share a range, and each location still gets exactly its latest.
    locations = LocationFactory.create_batch(130)
    GameEvent.objects.bulk_create(
        GameEvent(type="NPC_MOVED", tick=n, location=locations[(n * 7) % 130]) for n in range(130 * 4)
    )

    result = locations_surroundings(location_ids=[location.id for location in locations], events_limit=3)

    for location in locations:
        latest = list(GameEvent.objects.filter(location=location).order_by("-id").values_list("id", flat=True)[:3])
        assert [e["id"] for e in result[location.id]["events"]] == latest[::-1]


@pytest.mark.parametrize("limits", [{"characters_limit": 0}, {"events_limit": 0}])
def test_surroundings_limits_are_at_least_one(limits):
    with pytest.raises(ValueError):
        locations_surroundings(location_ids=[1], **limits)


def crowd(locations, *, characters, events):
    """Many characters and events spread over `locations`."""
    for n in range(characters):
        kind = Character.Kind.PLAYER if n % 7 == 0 else Character.Kind.NPC
        factory = PlayerFactory if kind == Character.Kind.PLAYER else CharacterFactory
        factory(location=locations[n % len(locations)], faction=FactionFactory() if n % 5 == 0 else None)
    GameEvent.objects.bulk_create(
        GameEvent(type="NPC_MOVED", tick=n, location=locations[n % len(locations)]) for n in range(events)
    )
    for location in locations:
        WorldObjectFactory(location=location)
        PathFactory(source=location, target=LocationFactory())


def test_surroundings_cost_the_same_queries_for_2_or_12_locations(world, django_assert_max_num_queries):
    few = LocationFactory.create_batch(2)
    many = LocationFactory.create_batch(12)
    crowd(few, characters=4, events=4)
    crowd(many, characters=240, events=400)

    with django_assert_max_num_queries(MAX_SURROUNDINGS_QUERIES) as few_queries:
        few_result = locations_surroundings(location_ids=[location.id for location in few])
    with django_assert_max_num_queries(MAX_SURROUNDINGS_QUERIES) as many_queries:
        many_result = locations_surroundings(location_ids=[location.id for location in many])

    assert len(few_queries) == len(many_queries)
    assert len(many_result) == 12
    assert all(len(s["characters"]) == 20 and s["population"] == 20 for s in many_result.values())
    assert all(len(s["events"]) == 20 for s in many_result.values())
    assert all(len(s["objects"]) == 1 and len(s["exits"]) == 1 for s in [*few_result.values(), *many_result.values()])


# --- /api/world/time ------------------------------------------------------------------------


def test_time_shows_every_field(player_client, world):
    clock = world["clock"]
    clock.world_time = datetime(2026, 3, 14, 6, 30, 15, tzinfo=UTC)
    clock.time_scale = 60.0
    clock.tick_interval_seconds = 30
    clock.last_tick_at = timezone.now() - timedelta(seconds=10)
    clock.save()

    response = player_client.get("/api/world/time")

    assert response.status_code == 200, response.content
    body = response.json()
    until_next = body.pop("seconds_until_next_tick")
    assert body == {
        "tick": 42,
        "world_time": "2026-03-14T06:30:15Z",
        "date": "2026-03-14",
        "time": "06:30",
        "time_of_day": "dawn",
        "day_of_year": 73,
        "paused": False,
        "tick_interval_seconds": 30,
        "time_scale": 60.0,
    }
    assert 15 < until_next <= 20


@pytest.mark.parametrize(
    ("paused", "last_tick_ago", "expected"),
    [
        (False, None, 30.0),  # no tick yet: a whole interval
        (False, timedelta(minutes=5), 0.0),  # overdue: never negative
        (True, timedelta(seconds=10), None),  # paused: no next tick
        (True, None, None),
    ],
)
def test_time_until_the_next_tick(player_client, world, paused, last_tick_ago, expected):
    clock = world["clock"]
    clock.paused = paused
    clock.tick_interval_seconds = 30
    clock.last_tick_at = timezone.now() - last_tick_ago if last_tick_ago else None
    clock.save()

    body = player_client.get("/api/world/time").json()

    assert body["seconds_until_next_tick"] == expected
    assert body["paused"] is paused


def test_time_is_503_before_the_clock_exists(player_client, world):
    world["clock"].delete()

    response = player_client.get("/api/world/time")

    assert response.status_code == 503
    assert response.json()["code"] == "world_not_ready"


@pytest.mark.parametrize(
    ("hour", "part"),
    [
        (0, "night"),
        (4, "night"),
        (5, "dawn"),
        (6, "dawn"),
        (7, "morning"),
        (11, "morning"),
        (12, "afternoon"),
        (16, "afternoon"),
        (17, "evening"),
        (20, "evening"),
        (21, "night"),
        (23, "night"),
    ],
)
def test_time_of_day_boundaries(hour, part):
    assert time_of_day(hour) == part


@pytest.mark.parametrize("hour", [-1, 24])
def test_time_of_day_refuses_hours_outside_a_day(hour):
    with pytest.raises(ValueError):
        time_of_day(hour)


# --- /api/events ----------------------------------------------------------------------------


@pytest.fixture
def event_log(world):
    """Events everywhere, interleaved; returns the ones Wren may see, in id order."""
    here, market, player = world["here"], world["market"], world["player"]
    visible = []
    for n in range(4):
        visible.append(event_at(here, tick=n))
        event_at(market, actor=world["aldo"], tick=n)  # elsewhere, someone else: hidden
        visible.append(event_at(None, type="WEATHER_CHANGED", tick=n))
        visible.append(event_at(market, actor=player, type="PLAYER_INTERACTED", tick=n))
        event_at(world["grove"], tick=n)
    return visible


def test_events_shows_only_what_the_player_may_see(player_client, event_log):
    response = player_client.get("/api/events")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "results": [event_json(event) for event in event_log],
        "next": None,
        "next_cursor": None,
        "last_id": event_log[-1].id,
    }


def test_events_follow_the_players_current_location(player_client, world, event_log):
    player = world["player"]
    player.location = world["grove"]
    player.save()

    ids = [event["id"] for event in player_client.get("/api/events").json()["results"]]

    grove_events = set(GameEvent.objects.filter(location=world["grove"]).values_list("id", flat=True))
    here_events = set(GameEvent.objects.filter(location=world["here"]).values_list("id", flat=True))
    assert grove_events <= set(ids)
    assert not here_events & set(ids)


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_paging_walks_through_every_visible_event_once(player_client, event_log, limit):
    seen, url, pages = [], f"/api/events?limit={limit}", 0
    while url:
        body = player_client.get(url).json()
        seen += [event["id"] for event in body["results"]]
        if body["results"]:
            assert body["last_id"] == body["results"][-1]["id"]
        url, pages = body["next"], pages + 1
        if url:
            query = parse_qs(urlsplit(url).query)
            assert query == {"cursor": [body["next_cursor"]], "limit": [str(limit)]}
        assert pages <= len(event_log)

    assert seen == [event.id for event in event_log]


def test_events_after_the_last_one_are_none(player_client, event_log):
    after = event_log[-1].id + 100

    body = player_client.get(f"/api/events?after={after}").json()

    assert body == {"results": [], "next": None, "next_cursor": None, "last_id": after}


def test_events_after_an_id(player_client, event_log):
    after = event_log[5].id

    body = player_client.get(f"/api/events?after={after}&limit=3").json()

    assert [event["id"] for event in body["results"]] == [event.id for event in event_log[6:9]]
    assert body["last_id"] == event_log[8].id
    assert body["next"] is not None


def test_events_default_limit_is_100(player_client, world):
    GameEvent.objects.bulk_create(GameEvent(type="TICK", tick=n) for n in range(105))

    body = player_client.get("/api/events").json()

    assert len(body["results"]) == 100
    assert parse_qs(urlsplit(body["next"]).query) == {"cursor": [body["next_cursor"]]}  # the query as sent, moved on
    following = player_client.get(f"/api/events?cursor={body['next_cursor']}").json()
    assert [event["tick"] for event in following["results"]] == list(range(100, 105))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("after=-1", "after"),
        ("after=abc", "after"),
        ("after=1.5", "after"),
        ("after=5.0", "after"),
        ("after=", "after"),
        ("after=1e3", "after"),
        (f"after={2**63}", "after"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=-3", "limit"),
        ("limit=ten", "limit"),
        ("limit=", "limit"),
        ("limit=2.5", "limit"),
        ("after=3&limit=1000", "limit"),
    ],
)
def test_events_refuses_bad_query_parameters_naming_them(player_client, event_log, query, field):
    response = player_client.get(f"/api/events?{query}")

    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid"
    assert set(error["errors"]) == {field}
    assert set(error) == {"code", "message", "errors"}


@pytest.mark.parametrize("query", ["limit=500", "after=0&limit=1", f"after={2**63 - 1}"])
def test_events_accepts_the_edges_of_the_ranges(player_client, event_log, query):
    assert player_client.get(f"/api/events?{query}").status_code == 200


# --- Query counts do not grow with the world ----------------------------------------------


def endpoint_query_counts(api_client, assert_max_queries) -> dict[str, int]:
    counts = {}
    for url in ENDPOINTS:
        with assert_max_queries(10) as queries:
            response = api_client.get(url)
        assert response.status_code == 200, f"{url}: {response.content}"
        counts[url] = len(queries)
    return counts


def test_each_endpoint_costs_the_same_queries_in_a_big_world(api_client, world, django_assert_max_num_queries):
    token = Token.objects.create(user=world["player"].user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    tiny = endpoint_query_counts(api_client, django_assert_max_num_queries)

    places = [world["here"], world["market"], *LocationFactory.create_batch(3)]
    crowd(places, characters=200, events=300)
    big = endpoint_query_counts(api_client, django_assert_max_num_queries)

    assert big == tiny
    # Token lookup and the player's character, then: tick + 5 surroundings; clock; the
    # retention mark (resync?) and one page.
    assert tiny == {"/api/world/state": 8, "/api/world/time": 3, "/api/events": 4}
