"""What a player's action costs the web process in queries (issue 9): the same few however
crowded the place, however long the event log, however much the player carries; and the
snapshot after a move, built in SQL of its own, is exactly the REST state plus the character
as the REST API shows it."""

import itertools
import json

import pytest
from django.db import connection

from tests.factories import (
    CharacterFactory,
    FactionFactory,
    LocationFactory,
    PathFactory,
    PlayerFactory,
    WorldClockFactory,
    WorldObjectFactory,
)
from world.consumers import _action_apply
from world.models import Character, GameEvent, PlayerActionReceipt, WorldClock
from world.protocol import ClientAction
from world.selectors import locations_surroundings, player_view_get

pytestmark = pytest.mark.django_db

# Per action as the consumer applies it (`_action_apply`, without what runs after commit):
# the lock, the receipt and tick, the action's own reads and writes, the event, the receipt;
# a move adds the mover's snapshot (six). Savepoints count: tests run in a transaction.
# PostgreSQL adds one: the shared advisory lock on the world (world.locks).
ACTION_QUERIES = {"move": 15, "speak": 6, "interact": 7, "wait": 6}
request_ids = (f"r{n}" for n in itertools.count())


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Every player has a user with a password; a crowd has dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def place(db):
    WorldClockFactory(tick=3)
    ash, birch = LocationFactory(name="Ash", slug="ash"), LocationFactory(name="Birch", slug="birch")
    PathFactory(source=ash, target=birch, two_way=True)
    player = PlayerFactory(name="Wren", location=ash, goals=["find the bell"], emotional_state={"mood": "joy"})
    other = CharacterFactory(name="Oren", location=ash, faction=FactionFactory(name="Lamplighters"))
    return {"ash": ash, "birch": birch, "player": player, "other": other}


def crowd(place, size: int) -> None:
    """More of everything the action path could read row by row."""
    for where in (place["ash"], place["birch"]):
        CharacterFactory.create_batch(size, location=where)
        PlayerFactory.create_batch(size, location=where)
        WorldObjectFactory.create_batch(size, location=where)
        GameEvent.objects.bulk_create(GameEvent(type="NPC_RESTED", location=where, tick=1) for _ in range(size * 5))
    WorldObjectFactory.create_batch(3, location=None, holder=place["player"])


def prepared(place, action: str) -> tuple[Character, ClientAction]:
    """Wren as the consumer holds her, and her next action of this kind."""
    player = Character.objects.get(id=place["player"].id)
    data = {
        "move": {"to": place["birch"].id if player.location_id == place["ash"].id else place["ash"].id},
        "speak": {"text": "Who rings the bell?"},
        "interact": {"target": {"type": "character", "id": place["other"].id}},
        "wait": {},
    }[action]
    if action == "interact":  # Oren follows Wren around
        Character.objects.filter(id=place["other"].id).update(location_id=player.location_id)
    return player, ClientAction(request_id=next(request_ids), action=action, data=data)


@pytest.mark.parametrize("action", ACTION_QUERIES)
def test_an_action_costs_the_same_few_queries_in_a_crowded_world(place, action, django_assert_max_num_queries):
    budget = ACTION_QUERIES[action] + (connection.vendor == "postgresql")
    _action_apply(*prepared(place, action))  # warm: nothing cached on first use is counted
    player, first = prepared(place, action)
    with django_assert_max_num_queries(budget) as quiet:
        _action_apply(player, first)
    crowd(place, 30)
    player, second = prepared(place, action)
    with django_assert_max_num_queries(budget) as crowded:
        reply, _snapshot = _action_apply(player, second)

    assert reply["action"] == action

    assert len(crowded) == len(quiet)


def test_a_move_is_acked_once_with_its_snapshot_and_a_repeat_changes_nothing(place):
    crowd(place, 3)
    player, birch = place["player"], place["birch"]
    move = ClientAction(request_id="walk-1", action="move", data={"to": birch.id})

    reply, snapshot = _action_apply(player, move)
    again, no_snapshot = _action_apply(player, move)

    player.refresh_from_db()
    assert player.location_id == birch.id
    assert reply == {"action": "move", "event_id": reply["event_id"], "location": {"id": birch.id, "name": "Birch"}}
    assert GameEvent.objects.get(id=reply["event_id"]).payload["carrying"] == sorted(
        player.inventory.values_list("id", flat=True)
    )
    assert snapshot["type"] == "world_update" and snapshot["data"]["location"]["id"] == birch.id
    assert again == {**reply, "replayed": True} and no_snapshot is None
    assert PlayerActionReceipt.objects.filter(character=player, request_id="walk-1").count() == 1


def test_the_view_after_a_move_is_the_rest_state(place):
    crowd(place, 4)
    player = place["player"]
    player.refresh_from_db()

    view = player_view_get(character_id=player.id)

    # the place's view as the tick broadcasts it: same keys, order, values
    place_view = locations_surroundings(location_ids=[player.location_id])[player.location_id]
    at_rest = {"tick": WorldClock.objects.get().tick, **place_view}
    assert json.dumps(view) == json.dumps(at_rest)
    assert "character" not in view  # the player's own record is GET /api/auth/me, not the place's
    assert player.id in {present["id"] for present in view["characters"]}  # seen there like anyone
