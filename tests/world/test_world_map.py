"""The whole map (/api/world/map): places with their tinted environment, paths, who stands
where; a login is needed; the query count does not grow with the world."""

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import CharacterFactory, LocationFactory, PathFactory, PlayerFactory
from world.models import Character
from world.world_map import MAP_CHARACTERS_PER_PLACE

pytestmark = pytest.mark.django_db

MAP_QUERIES = 3 + 1  # the map's three, and the token lookup (with its user, joined)


@pytest.fixture
def player_client(api_client):
    here = LocationFactory(name="Sunspire", slug="sunspire", map_x=10.0, map_y=20.0, color="#000000", light=0.2)
    player = PlayerFactory(name="wren", location=here)
    token = Token.objects.create(user=player.user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    api_client.here = here
    api_client.player = player
    return api_client


def test_the_map_needs_a_login(api_client):
    response = api_client.get("/api/world/map")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_map_lists_places_paths_and_who_stands_where(player_client):
    here = player_client.here
    market = LocationFactory(name="Market", slug="market", map_x=30.0, map_y=5.5)
    PathFactory(source=here, target=market, travel_cost=2, two_way=False)
    spectra = CharacterFactory(name="Spectra", slug="spectra", kind=Character.Kind.SPECTRA, location=market)
    zed = CharacterFactory(name="Zed", location=market)
    amber = CharacterFactory(name="Amber", location=market)
    CharacterFactory(name="Asleep", location=market, is_active=False)

    body = player_client.get("/api/world/map").json()

    places = {place["slug"]: place for place in body["places"]}
    assert set(places) == {"sunspire", "market"}
    assert places["market"]["map"] == {"x": 30.0, "y": 5.5}
    assert places["market"]["region"] == market.region
    # Spectra first, then players, then NPCs by name; inactive characters are not on the map.
    assert [c["id"] for c in places["market"]["characters"]] == [spectra.id, amber.id, zed.id]
    assert places["market"]["population"] == 3
    assert places["sunspire"]["characters"] == [{"id": player_client.player.id, "name": "wren", "kind": "player"}]
    assert body["paths"] == [{"source": here.id, "target": market.id, "travel_cost": 2, "two_way": False}]


def test_a_place_where_spectra_resonates_is_tinted(player_client):
    here = player_client.here
    here.resonance = {"mood": "joyful", "weight": 0.5, "color": "#ffffff", "light": 1.0}
    here.save()

    place = player_client.get("/api/world/map").json()["places"][0]

    assert place["environment"]["color"] == "#808080"  # half way from black to white
    assert place["environment"]["light"] == pytest.approx(0.6)
    assert place["environment"]["resonance"] == {"mood": "joyful", "weight": 0.5}


def test_a_crowded_place_names_a_few_and_counts_everyone(player_client):
    crowd = CharacterFactory.create_batch(MAP_CHARACTERS_PER_PLACE + 5, location=player_client.here)

    place = player_client.get("/api/world/map").json()["places"][0]

    assert len(place["characters"]) == MAP_CHARACTERS_PER_PLACE
    assert place["population"] == len(crowd) + 1
    assert place["characters"][0]["kind"] == "player"  # players before NPCs


def test_the_map_costs_the_same_queries_however_large_the_world(player_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAP_QUERIES) as small:
        assert player_client.get("/api/world/map").status_code == 200
    places = LocationFactory.create_batch(30)
    for place in places:
        PathFactory(source=place, target=player_client.here)
        CharacterFactory.create_batch(5, location=place)
    with django_assert_max_num_queries(MAP_QUERIES) as big:
        body = player_client.get("/api/world/map").json()
    assert len(small) == len(big) == MAP_QUERIES
    assert len(body["places"]) == 31 and len(body["paths"]) == 30


def test_the_map_is_in_the_openapi_schema(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/world/map"]["get"]
    assert operation["operationId"] == "world_map"
    assert "WorldMap" in schema["components"]["schemas"]
