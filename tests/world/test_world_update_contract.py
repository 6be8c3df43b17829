"""The client contract, proven the way Zulip proves its event system: a client keeps a copy of
`GET /api/world/state`, applies the frames the WebSocket sends it, and after every kind of
change its copy equals a fresh fetch. Then: a dropped client catches up from the last event id
its frames carried; and an answer names the line it answers (`in_reply_to`).

How a client applies frames (docs/websocket.md): a `world_update` is the whole place, so it
replaces the copy; every frame's `event_id` moves the client's resync point forward. The
point is the event log's position, so events elsewhere move a fresh fetch's past the copy's
without changing anything the client shows: the copies are compared without it, and the
point is checked for what it promises.
"""

import json

import pytest
from channels.db import database_sync_to_async
from rest_framework.test import APIClient

from tests.world.test_websocket import action, connect, joined, websocket_world
from world.models import Character, WorldClock
from world.tick import run_tick

pytestmark = pytest.mark.django_db(transaction=True)

QUIET_SECONDS = 0.5


@pytest.fixture(autouse=True)
def fresh_channel_layer(in_memory_channel_layer):
    """Every test here starts with an empty in-memory channel layer."""


@pytest.fixture
def world(db):
    return websocket_world()


def rest_state(token: str) -> dict:
    response = APIClient().get("/api/world/state", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


fetch = database_sync_to_async(rest_state)


def events_after(token: str, after: int) -> list[dict]:
    response = APIClient().get(f"/api/events?after={after}", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.content
    return response.json()["results"]


class Client:
    """What a frontend keeps: its copy of the place, its resync point, the frames it saw."""

    def __init__(self, communicator, state: dict):
        self.communicator = communicator
        self.state = state
        self.last_event_id = state["event_id"]
        self.frames: list[dict] = []

    def apply(self, frame: dict) -> None:
        self.frames.append(frame)
        if frame["type"] == "world_update":
            self.state = frame["data"]
        if "event_id" in frame:
            self.last_event_id = max(self.last_event_id, frame["event_id"])

    async def settle(self) -> list[dict]:
        """Apply every frame until the socket has been quiet a while; the frames seen."""
        seen = []
        while not await self.communicator.receive_nothing(timeout=QUIET_SECONDS):
            frame = await self.communicator.receive_json_from(timeout=5)
            self.apply(frame)
            seen.append(frame)
        return seen


async def client_of(world, name) -> Client:
    communicator, connected = await connect(world["tokens"][name])
    assert connected
    snapshot = await communicator.receive_json_from(timeout=5)
    client = Client(communicator, snapshot["data"])
    assert snapshot["type"] == "world_update"
    assert snapshot["tick"] == snapshot["data"]["tick"] and snapshot["event_id"] == snapshot["data"]["event_id"]
    return client


def without_resync_point(state: dict) -> dict:
    return {key: value for key, value in state.items() if key != "event_id"}


async def acked(communicator, request_id: str) -> None:
    """Wait for the ack of an action sent (or its error: a test here sends only good ones)."""
    while True:
        frame = await communicator.receive_json_from(timeout=10)
        if frame.get("request_id") == request_id:
            assert frame["type"] == "ack", frame
            return


async def assert_in_step(client: Client, token: str) -> None:
    """The copy is the fresh state. Its resync point may trail the log's end (events elsewhere
    send this client nothing) but never runs ahead of it, and nothing at the place lies past
    it that the copy lacks: catching up from it loses nothing."""
    await client.settle()
    fresh = await fetch(token)
    assert without_resync_point(client.state) == without_resync_point(fresh)
    assert client.state["event_id"] <= client.last_event_id <= fresh["event_id"]
    shown = {event["id"] for event in client.state["events"]}
    here = client.state["location"]["id"]
    later = await database_sync_to_async(events_after)(token, client.last_event_id)
    assert not [event for event in later if event["location_id"] == here and event["id"] not in shown]


async def test_frames_applied_to_an_old_state_give_the_fresh_state(world):
    tokens = world["tokens"]
    wren = await client_of(world, "wren")
    old = await fetch(tokens["wren"])
    assert wren.state == old  # the snapshot on connect is the REST state, resync point too
    assert wren.state["characters"] and "wren" in {c["name"] for c in wren.state["characters"]}
    tam = await joined(world, "tam")

    # Someone speaks, by name, to the NPC there; the NPC answers.
    await action(tam, "t-1", action="speak", text="Oren, is the lamp lit?")
    await acked(tam, "t-1")
    await assert_in_step(wren, tokens["wren"])
    # Someone takes a thing lying there; turns to the NPC; waits.
    await action(tam, "t-2", action="take", object=world["shard"].id)
    await acked(tam, "t-2")
    await assert_in_step(wren, tokens["wren"])
    assert world["shard"].id not in {thing["id"] for thing in wren.state["objects"]}
    await action(tam, "t-3", action="interact", target={"type": "character", "id": world["npc"].id})
    await acked(tam, "t-3")
    await action(tam, "t-4", action="wait")
    await acked(tam, "t-4")
    await assert_in_step(wren, tokens["wren"])
    # Someone leaves, and comes back.
    await action(tam, "t-5", action="move", to=world["birch"].id)
    await acked(tam, "t-5")
    await assert_in_step(wren, tokens["wren"])
    assert "tam" not in {c["name"] for c in wren.state["characters"]}
    await action(tam, "t-6", action="move", to=world["ash"].id)
    await acked(tam, "t-6")
    await assert_in_step(wren, tokens["wren"])
    # Elsewhere: nothing wren sees changes (ode walks at Cedar), yet the copy stays true.
    ode = await joined(world, "ode")
    await action(ode, "o-1", action="move", to=world["birch"].id)
    await acked(ode, "o-1")
    await assert_in_step(wren, tokens["wren"])
    # The world ticks, twice.
    for _ in range(2):
        await database_sync_to_async(tick_now)()
        await assert_in_step(wren, tokens["wren"])
    # The player itself moves: its own snapshot after the ack is the new place.
    await action(wren.communicator, "w-1", action="move", to=world["birch"].id)
    await assert_in_step(wren, tokens["wren"])
    assert wren.state["location"]["id"] == world["birch"].id

    assert wren.state != old
    kinds = {frame["type"] for frame in wren.frames}
    assert {"world_update", "chat_message", "ack"} <= kinds
    for frame in wren.frames:  # every frame of the world carries its tick and the resync point
        if frame["type"] in {"world_update", "chat_message", "notification", "spectra_status_update"}:
            assert isinstance(frame["tick"], int) and frame["event_id"] > 0
    for communicator in (tam, ode, wren.communicator):
        await communicator.disconnect()


def tick_now() -> None:
    WorldClock.objects.update(last_tick_at=None, paused=False)
    assert run_tick(force=True).ran


async def test_an_answer_names_the_request_it_answers_and_unprompted_lines_do_not(world):
    wren = await client_of(world, "wren")
    tam = await joined(world, "tam")

    await action(tam, "ask-oren-1", action="speak", text="Oren, how goes the watch?")
    await acked(tam, "ask-oren-1")
    seen = await wren.settle()

    chats = [frame["data"] for frame in seen if frame["type"] == "chat_message"]
    line = next(chat for chat in chats if chat["speaker"]["name"] == "tam")
    answer = next(chat for chat in chats if chat["speaker"]["name"] == "Oren")
    assert line["in_reply_to"] is None and line["in_reply_to_event_id"] is None
    assert answer["in_reply_to"] == "ask-oren-1"
    assert answer["in_reply_to_event_id"] == line["event_id"]
    assert answer["listener"]["name"] == "tam"
    # The conversation goes on without names: tam's next line is Oren's to answer.
    await action(tam, "follow-2", action="speak", text="And the lamps?")
    await acked(tam, "follow-2")
    follow = [frame["data"] for frame in await wren.settle() if frame["type"] == "chat_message"]
    assert [chat["speaker"]["name"] for chat in follow] == ["tam", "Oren"]
    assert follow[1]["in_reply_to"] == "follow-2" and follow[1]["listener"]["name"] == "tam"
    # A line naming no one, by one nobody was talking with, is said to the room: someone there
    # (Oren) answers it, naming its request; the line itself answers nothing.
    await action(wren.communicator, "aside-3", action="speak", text="What a night.")
    await acked(wren.communicator, "aside-3")
    later = [frame["data"] for frame in await wren.settle() if frame["type"] == "chat_message"]
    assert [chat["speaker"]["name"] for chat in later] == ["wren", "Oren"]
    assert later[0]["text"] == "What a night." and later[0]["in_reply_to"] is None
    assert later[1]["in_reply_to"] == "aside-3" and later[1]["listener"]["name"] == "wren"
    await tam.disconnect()
    await wren.communicator.disconnect()


async def test_a_dropped_client_catches_up_from_the_last_event_id_it_saw(world):
    tokens = world["tokens"]
    wren = await client_of(world, "wren")
    tam = await joined(world, "tam")
    await action(tam, "t-1", action="speak", text="Before the drop.")
    await acked(tam, "t-1")
    await wren.settle()
    resync_point = wren.last_event_id
    await wren.communicator.disconnect()

    # While wren is away: a line at her place, a move, a tick.
    await action(tam, "t-2", action="speak", text="While you were gone.")
    await action(tam, "t-3", action="move", to=world["birch"].id)
    await acked(tam, "t-3")
    await database_sync_to_async(tick_now)()
    await tam.disconnect()

    missed = await database_sync_to_async(events_after)(tokens["wren"], resync_point)
    back = await client_of(world, "wren")

    assert missed and all(event["id"] > resync_point for event in missed)
    assert "While you were gone." in {event["payload"].get("text") for event in missed}
    assert "Before the drop." not in {event["payload"].get("text") for event in missed}
    # The fresh snapshot's resync point covers what was missed, and it is the REST state.
    assert back.last_event_id >= max(event["id"] for event in missed)
    assert back.state == await fetch(tokens["wren"])
    tam_now = await database_sync_to_async(lambda: Character.objects.get(name="tam").location_id)()
    assert tam_now == world["birch"].id and "tam" not in {c["name"] for c in back.state["characters"]}
    await back.communicator.disconnect()
