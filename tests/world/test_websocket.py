"""The simulation WebSocket end to end, through the real ASGI application (origin check,
session/token auth, routing), with Channels' WebsocketCommunicator."""

import asyncio
import json
import os

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import override_settings
from rest_framework.authtoken.models import Token

from htrae.asgi import application
from narrative.models import ConversationMessage
from tests.factories import (
    CharacterFactory,
    LocationFactory,
    PathFactory,
    PlayerFactory,
    WorldClockFactory,
    WorldObjectFactory,
)
from world import presence
from world.models import Character, GameEvent, PlayerActionReceipt
from world.protocol import CLOSE_FLOODING, MAX_MESSAGE_BYTES
from world.tick import run_tick

User = get_user_model()

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@pytest.fixture(autouse=True)
def fresh_channel_layer(in_memory_channel_layer):
    """Every test here starts with an empty in-memory channel layer."""


def websocket_world() -> dict:
    """Ash and Birch are joined; Cedar is joined to Birch only. Two players at Ash, one at Cedar."""
    ash, birch, cedar = (LocationFactory(name=name, slug=name.lower()) for name in ("Ash", "Birch", "Cedar"))
    PathFactory(source=ash, target=birch)
    PathFactory(source=birch, target=cedar)
    WorldClockFactory(seed=5)
    npc = CharacterFactory(name="Oren", location=ash, description="A lamp-warden.")
    shard = WorldObjectFactory(name="Prism Shard", location=ash, description="It hums.")
    players = {
        name: PlayerFactory(name=name, user__username=name, location=where)
        for name, where in (("wren", ash), ("tam", ash), ("ode", cedar))
    }
    tokens = {name: Token.objects.create(user=player.user).key for name, player in players.items()}
    return {
        "ash": ash,
        "birch": birch,
        "cedar": cedar,
        "npc": npc,
        "shard": shard,
        "players": players,
        "tokens": tokens,
    }


@pytest.fixture
def world(db):
    return websocket_world()


async def connect(token=None, *, headers=(ORIGIN,), path=None):
    path = path or (f"/ws/simulation?token={token}" if token else "/ws/simulation")
    communicator = WebsocketCommunicator(application, path, headers=list(headers))
    connected, _ = await communicator.connect()
    return communicator, connected


async def joined(world, name):
    """A connected player, with the connect snapshot already read."""
    communicator, connected = await connect(world["tokens"][name])
    assert connected
    snapshot = await communicator.receive_json_from(timeout=5)
    assert snapshot["type"] == "world_update"
    return communicator


async def action(communicator, request_id, **data):
    await communicator.send_json_to({"type": "player_action", "request_id": request_id, "data": data})


async def receive_until(communicator, frame_type, timeout=5):
    """The next frame of a type, skipping others (ticks and notifications interleave)."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == frame_type:
            return frame


count = database_sync_to_async(lambda model, **filters: model.objects.filter(**filters).count())


# --- Connecting ------------------------------------------------------------------------------


async def test_connect_with_a_token_sends_a_snapshot_of_the_surroundings(world):
    communicator, connected = await connect(world["tokens"]["wren"])
    assert connected

    snapshot = await communicator.receive_json_from(timeout=5)

    assert snapshot["type"] == "world_update"
    data = snapshot["data"]
    assert data["location"]["name"] == "Ash"
    assert {exit["name"] for exit in data["exits"]} == {"Birch"}
    assert {c["name"] for c in data["characters"]} == {"Oren", "tam", "wren"}  # the player too, as others see it
    assert "character" not in data
    assert data["tick"] == 0 and snapshot["tick"] == 0
    await communicator.disconnect()


async def test_the_dashboard_counts_connected_players_once_each(world):
    before = presence.players_connected()
    first, second = await joined(world, "wren"), await joined(world, "wren")  # two tabs
    third = await joined(world, "tam")
    assert presence.players_connected() == before + 2
    await first.disconnect()
    assert presence.players_connected() == before + 2
    await second.disconnect()
    await third.disconnect()
    assert presence.players_connected() == before


async def test_connect_with_a_session_cookie(world, client):
    await database_sync_to_async(client.force_login)(world["players"]["tam"].user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    communicator, connected = await connect(headers=(ORIGIN, (b"cookie", cookie)))

    assert connected
    snapshot = await communicator.receive_json_from(timeout=5)
    assert snapshot["type"] == "world_update" and snapshot["data"]["location"]["name"] == "Ash"
    await action(communicator, "who", action="wait")
    assert (await receive_until(communicator, "ack"))["request_id"] == "who"
    assert await count(PlayerActionReceipt, character=world["players"]["tam"], request_id="who") == 1
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("token", "headers"),
    [
        (None, (ORIGIN,)),  # nobody
        ("not-a-token", (ORIGIN,)),  # a wrong token
        ("deactivated", (ORIGIN,)),  # the token of an account since deactivated
        ("wren", ((b"origin", b"http://evil.example"),)),  # a foreign page
        ("wren", ((b"origin", b"http://127.0.0.1:9999"),)),  # the right host, another port
        ("wren", ((b"origin", b"ftp://127.0.0.1:8000"),)),  # the right host and port, another scheme
        ("wren", ()),  # no Origin at all
    ],
)
async def test_unauthenticated_or_foreign_connections_are_refused(world, token, headers):
    if token == "deactivated":
        await database_sync_to_async(User.objects.filter(username="wren").update)(is_active=False)
        token = "wren"
    token = world["tokens"].get(token, token)
    _, connected = await connect(token, headers=headers)
    assert not connected


async def test_websocket_origins_follow_the_setting(world, settings):
    settings.WEBSOCKET_ALLOWED_ORIGINS = ["https://htrae.example"]
    token = world["tokens"]["wren"]

    _, proxied = await connect(token, headers=((b"origin", b"https://htrae.example"),))
    _, local = await connect(token, headers=(ORIGIN,))

    assert proxied
    assert not local


async def test_a_staff_account_without_a_character_is_refused(world):
    from tests.factories import UserFactory

    staff = await database_sync_to_async(UserFactory)(is_staff=True)
    token = await database_sync_to_async(lambda: Token.objects.create(user=staff).key)()
    _, connected = await connect(token)
    assert not connected


# --- The world moving ------------------------------------------------------------------------


async def test_each_tick_sends_one_world_update_for_the_players_location(world):
    wren = await joined(world, "wren")

    result = await database_sync_to_async(run_tick)(force=True)

    update = await receive_until(wren, "world_update")
    assert update["tick"] == result.tick == 1
    assert update["data"]["location"]["name"] == "Ash"
    assert update["data"]["tick"] == 1
    await wren.disconnect()


# --- Acting ----------------------------------------------------------------------------------


async def test_move_acks_changes_location_and_groups(world):
    wren, tam, ode = [await joined(world, name) for name in ("wren", "tam", "ode")]

    await action(wren, "m1", action="move", to=world["birch"].id)
    ack = await wren.receive_json_from(timeout=5)
    assert ack == {"type": "ack", "request_id": "m1", "data": {**ack["data"], "action": "move"}}
    assert ack["data"]["location"]["name"] == "Birch"
    snapshot = await receive_until(wren, "world_update")
    assert snapshot["data"]["location"]["name"] == "Birch"
    player = await database_sync_to_async(Character.objects.get)(pk=world["players"]["wren"].pk)
    assert player.location_id == world["birch"].id

    # tam, still at Ash, sees the place refreshed without wren
    seen_by_tam = await receive_until(tam, "world_update")
    assert "wren" not in {c["name"] for c in seen_by_tam["data"]["characters"]}

    # wren now hears Birch, not Ash
    await action(tam, "s1", action="speak", text="Anyone there?")
    await receive_until(tam, "ack")
    assert await wren.receive_nothing(timeout=0.3)
    for communicator in (wren, tam, ode):
        await communicator.disconnect()


async def test_speech_reaches_players_at_the_place_and_no_one_elsewhere(world):
    wren, tam, ode = [await joined(world, name) for name in ("wren", "tam", "ode")]

    await action(wren, "s1", action="speak", text="  Lanterns at dusk.  ")

    ack = await wren.receive_json_from(timeout=5)
    assert ack["type"] == "ack" and ack["data"]["text"] == "Lanterns at dusk."
    heard = await receive_until(tam, "chat_message")
    assert heard["data"]["text"] == "Lanterns at dusk."
    assert heard["data"]["speaker"] == {"id": world["players"]["wren"].id, "name": "wren", "kind": "player"}
    assert heard["event_id"] == ack["data"]["event_id"]
    assert (await receive_until(wren, "chat_message"))["data"]["text"] == "Lanterns at dusk."
    assert await ode.receive_nothing(timeout=0.3)
    assert await count(ConversationMessage, text="Lanterns at dusk.") == 1
    for communicator in (wren, tam, ode):
        await communicator.disconnect()


async def test_the_same_request_id_is_applied_once(world):
    wren = await joined(world, "wren")

    await action(wren, "same", action="speak", text="Once.")
    first = await receive_until(wren, "ack")
    await action(wren, "same", action="speak", text="Once.")
    second = await receive_until(wren, "ack")

    assert second["data"]["replayed"] is True
    assert second["data"]["event_id"] == first["data"]["event_id"]
    assert await count(GameEvent, type="PLAYER_SPOKE") == 1
    await wren.disconnect()


async def test_interact_with_a_character_and_an_object_and_wait(world):
    wren = await joined(world, "wren")

    await action(wren, "i1", action="interact", target={"type": "character", "id": world["npc"].id})
    reply = (await receive_until(wren, "ack"))["data"]
    assert reply["target"]["name"] == "Oren" and reply["target"]["description"] == "A lamp-warden."

    await action(wren, "i2", action="interact", target={"type": "object", "id": world["shard"].id})
    assert (await receive_until(wren, "ack"))["data"]["target"]["description"] == "It hums."

    await action(wren, "w1", action="wait")
    assert (await receive_until(wren, "ack"))["data"]["action"] == "wait"
    assert await count(GameEvent, type="PLAYER_INTERACTED") == 2
    await wren.disconnect()


# --- Bad messages ----------------------------------------------------------------------------

GOOD = {"type": "player_action", "request_id": "r", "data": {"action": "speak", "text": "hi"}}


def variant(**changes):
    message = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        if key == "data":
            message["data"] = value
        else:
            message[key] = value
    return json.dumps(message)


BAD_MESSAGES = [
    ("{not json", "malformed_json"),
    ("[1, 2]", "invalid_message"),
    (json.dumps({"type": "teleport", "request_id": "r"}), "unknown_type"),
    (json.dumps({"request_id": "r", "data": {}}), "unknown_type"),
    (variant(request_id=""), "missing_field"),
    (variant(request_id=7), "missing_field"),
    (variant(request_id="x" * 65), "invalid_field"),
    (variant(data=None), "missing_field"),
    (variant(data={"text": "hi"}), "missing_field"),
    (variant(data={"action": "fly"}), "unknown_action"),
    (variant(data={"action": "move"}), "missing_field"),
    (variant(data={"action": "move", "to": "Birch"}), "invalid_field"),
    (variant(data={"action": "move", "to": True}), "invalid_field"),
    (variant(data={"action": "move", "to": 999999}), "not_adjacent"),
    (variant(data={"action": "speak"}), "missing_field"),
    (variant(data={"action": "speak", "text": "   "}), "empty_text"),
    (variant(data={"action": "speak", "text": "x" * 501}), "text_too_long"),
    (variant(data={"action": "interact", "target": {"type": "ghost", "id": 1}}), "invalid_field"),
    (variant(data={"action": "interact", "target": {"type": "object", "id": "shard"}}), "invalid_field"),
    (variant(data={"action": "interact", "target": {"type": "character", "id": 999999}}), "unknown_target"),
    ("x" * (MAX_MESSAGE_BYTES + 1), "message_too_large"),
]


async def test_bad_messages_get_an_error_change_nothing_and_keep_the_connection(world):
    """Every bad message in turn on one connection (one transactional test keeps it quick)."""
    wren = await joined(world, "wren")

    for number, (text, code) in enumerate(BAD_MESSAGES):
        await wren.send_to(text_data=text)
        error = await receive_until(wren, "error")  # past the answers to the last good line
        assert error["type"] == "error", (text[:80], error)
        assert error["data"]["code"] == code, (text[:80], error)
        assert error["data"]["message"]
        # the connection stays open: the same message, made good, still works
        await wren.send_to(text_data=variant(request_id=f"good-{number}"))
        assert (await receive_until(wren, "ack"))["request_id"] == f"good-{number}"
        await receive_until(wren, "chat_message")  # its speech, heard by wren too
        await receive_until(wren, "world_update")  # and the place with the line among its events
        await asyncio.sleep(0.25)  # stay under the rate limit

    # only the good messages' speech (and what it stirred: answers, feelings), no other deed
    kinds = await database_sync_to_async(lambda: set(GameEvent.objects.values_list("type", flat=True)))()
    assert {kind for kind in kinds if kind.startswith("PLAYER_")} == {"PLAYER_SPOKE"}, kinds
    assert await count(GameEvent, type="PLAYER_SPOKE") == len(BAD_MESSAGES)
    assert await count(PlayerActionReceipt) == len(BAD_MESSAGES)
    wren_now = await database_sync_to_async(Character.objects.get)(pk=world["players"]["wren"].pk)
    assert wren_now.location_id == world["ash"].id
    await wren.disconnect()


async def test_errors_echo_the_request_id(world):
    wren = await joined(world, "wren")
    await wren.send_to(text_data=variant(request_id="abc", data={"action": "move", "to": world["cedar"].id}))
    error = await wren.receive_json_from(timeout=5)
    assert error["request_id"] == "abc" and error["data"]["code"] == "not_adjacent"
    await wren.disconnect()


async def test_binary_frames_are_refused(world):
    wren = await joined(world, "wren")
    await wren.send_to(bytes_data=b"\x00\x01")
    assert (await wren.receive_json_from(timeout=5))["data"]["code"] == "binary_not_supported"
    await wren.disconnect()


async def test_too_many_messages_are_refused_then_a_flood_closes_the_connection(world):
    wren = await joined(world, "wren")
    for number in range(60):
        await wren.send_to(text_data=json.dumps({"type": "player_action", "request_id": f"f{number}"}))

    frames = []
    while True:
        output = await wren.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
        frames.append(json.loads(output["text"]))

    assert output["code"] == CLOSE_FLOODING
    codes = [frame["data"]["code"] for frame in frames]
    assert codes[:10] == ["missing_field"] * 10  # within the rate, each message is answered
    assert "rate_limited" in codes
    assert await count(GameEvent) == 0


# --- Served mode: the real Redis channel layer -----------------------------------------------


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
async def test_a_tick_and_speech_travel_through_redis(world):
    layers = {
        "default": {
            "BACKEND": "htrae.channel_layer.BatchingRedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["REDIS_URL"]]},
        }
    }
    with override_settings(CHANNEL_LAYERS=layers):
        channel_layers.backends = {}
        wren, tam = await joined(world, "wren"), await joined(world, "tam")

        await database_sync_to_async(run_tick)(force=True)
        assert (await receive_until(wren, "world_update"))["tick"] == 1

        await action(tam, "r1", action="speak", text="Through Redis.")
        heard = await receive_until(wren, "chat_message")
        while heard["data"]["speaker"]["kind"] != "player":  # NPCs may have spoken in the tick
            heard = await receive_until(wren, "chat_message")
        assert heard["data"]["text"] == "Through Redis."
        await wren.disconnect()
        await tam.disconnect()


# --- Quests through player_action ------------------------------------------------------------


async def test_a_player_accepts_a_quest_walks_its_step_and_abandons_another(world):
    from narrative.models import QuestAssignment, QuestStep
    from tests.factories import QuestFactory, QuestStepFactory

    def offer():
        walk = QuestFactory(slug="walk-to-birch", title="Walk to Birch", giver=world["npc"], status="available")
        QuestStepFactory(
            quest=walk, order=1, objective_type=QuestStep.Objective.REACH_LOCATION, target_location=world["birch"]
        )
        QuestStepFactory(quest=walk, order=2, objective_type=QuestStep.Objective.WAIT, wait_ticks=50)
        idle = QuestFactory(slug="idle", title="Idle", status="available")
        QuestStepFactory(quest=idle, order=1)

    await database_sync_to_async(offer)()
    wren = await joined(world, "wren")

    await action(wren, "q1", action="accept_quest", quest="walk-to-birch")
    ack = await receive_until(wren, "ack")
    assert ack["data"]["quest"]["slug"] == "walk-to-birch" and ack["data"]["step"]["order"] == 1

    await action(wren, "q2", action="accept_quest", quest="walk-to-birch")
    refused = await receive_until(wren, "error")
    assert refused["request_id"] == "q2" and refused["data"]["code"] == "already_accepted"

    await action(wren, "q3", action="move", to=world["birch"].id)
    await receive_until(wren, "ack")
    step = await database_sync_to_async(
        lambda: (
            QuestAssignment.objects.select_related("current_step").get(quest__slug="walk-to-birch").current_step.order
        )
    )()
    assert step == 2

    await action(wren, "q4", action="accept_quest", quest="idle")
    await receive_until(wren, "ack")
    await action(wren, "q5", action="abandon_quest", quest="idle")
    abandoned = await receive_until(wren, "ack")
    assert abandoned["data"]["action"] == "abandon_quest"
    assert await count(QuestAssignment, quest__slug="idle", status="abandoned") == 1
    await wren.disconnect()


async def test_frames_reach_clients_while_the_shared_sync_thread_is_busy(world):
    """Relaying a frame touches no database: it must not queue behind asgiref's one
    thread-sensitive thread (Channels' dispatch hops there before every message), which
    anything slow in the process may be holding."""
    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer

    from world.broadcast import frame_message, location_group

    wren = await joined(world, "wren")
    release = asyncio.Event()
    loop = asyncio.get_running_loop()

    def hold_the_sync_thread() -> None:
        asyncio.run_coroutine_threadsafe(release.wait(), loop).result(timeout=10)

    holder = asyncio.ensure_future(sync_to_async(hold_the_sync_thread)())
    await asyncio.sleep(0.1)
    try:
        bell = {"event_id": 1, "tick": 0, "event_type": "BELL_RANG", "location_id": world["ash"].id}
        frame = {"type": "notification", "tick": 0, "event_id": 1, "data": {**bell, "message": "The bell tolls."}}
        await get_channel_layer().group_send(location_group(world["ash"].id), frame_message(frame))
        assert await wren.receive_json_from(timeout=2) == frame
    finally:
        release.set()
        await holder
        await wren.disconnect()
