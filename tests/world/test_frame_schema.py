"""The WebSocket's JSON Schema (world.frame_schema, GET /api/schema/websocket.json): a valid
document, public, covering every action and error code there is, refusing the frames the
server refuses for their shape; and the fixture that checks every frame the tests see."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
from channels.layers import get_channel_layer
from django.conf import settings

from tests.frames import frame_check
from tests.world.test_websocket import BAD_MESSAGES, GOOD, joined, websocket_world
from world.broadcast import frame_message, location_group
from world.frame_schema import ERROR_CODES, SCHEMA_URL, websocket_schema
from world.services import player_actions

DOCS = Path(settings.BASE_DIR) / "docs" / "websocket.md"


@pytest.mark.django_db
def test_the_schema_is_served_to_anyone_and_is_valid_json_schema(client):
    response = client.get(SCHEMA_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/schema+json")
    document = response.json()
    jsonschema.Draft202012Validator.check_schema(document)
    assert document == json.loads(json.dumps(websocket_schema()))
    assert {"client_frame", "server_frame", "world_update", "player_action"} <= set(document["$defs"])


def test_every_registered_action_has_its_frame_and_its_ack():
    defs = websocket_schema()["$defs"]

    actions = {name.removeprefix("action_") for name in defs if name.startswith("action_")}
    acks = {name.removeprefix("ack_") for name in defs if name.startswith("ack_")}

    assert actions == acks == set(player_actions())


def test_the_error_codes_are_those_docs_websocket_md_lists():
    table = DOCS.read_text().split("## Errors", 1)[1].split("**Flooding", 1)[0]
    documented = set(
        re.findall(r"`([a-z_]+)`", "\n".join(line.split("|")[1] for line in table.splitlines() if "|" in line))
    )
    documented -= {"code"}

    assert set(ERROR_CODES) == documented


# Frames the server refuses for their shape (not for the world's state) are not client frames.
_SHAPE_CODES = {"invalid_message", "unknown_type", "missing_field", "invalid_field", "unknown_action", "empty_text"}


@pytest.mark.parametrize(
    "text", [text for text, code in BAD_MESSAGES if code in _SHAPE_CODES | {"text_too_long"}], ids=repr
)
def test_the_schema_refuses_what_the_server_refuses_for_its_shape(text):
    with pytest.raises(AssertionError, match="breaks the schema"):
        frame_check(json.loads(text), "client_frame")


@pytest.mark.parametrize(
    "data",
    [
        {"action": "speak", "text": "Oren, is the lamp lit?"},
        {"action": "move", "to": 4},
        {"action": "interact", "target": {"type": "object", "id": 9}},
        {"action": "wait"},
        {"action": "accept_quest", "quest": "the-lamp-tithe"},
        {"action": "give", "object": 3, "to": 7},
    ],
)
def test_the_schema_takes_the_frames_docs_show(data):
    frame_check({**GOOD, "data": data}, "client_frame")


@pytest.mark.parametrize(
    ("frame", "why"),
    [
        # the old per-tick shape: the player's own record in the place's frame
        ({"character": {"id": 1}}, "Additional properties"),
        ({"event_id": None}, "not of type"),
        ({"characters": [{"id": 1, "name": "wren", "kind": "ghost", "faction": None, "mood": "calm"}]}, "ghost"),
    ],
)
def test_the_schema_refuses_a_world_update_of_another_shape(frame, why):
    valid = {
        "type": "world_update",
        "tick": 3,
        "event_id": 12,
        "data": {
            "tick": 3,
            "event_id": 12,
            "location": {
                "id": 1,
                "slug": "ash",
                "name": "Ash",
                "description": "",
                "region": "",
                "map": {"x": 0.0, "y": 0.0},
                "environment": {"light": 0.5, "color": "#808080", "sound": ""},
            },
            "characters": [],
            "population": 0,
            "objects": [],
            "exits": [],
            "events": [],
        },
    }
    frame_check(valid, "world_update")

    with pytest.raises(AssertionError, match=why):
        frame_check({**valid, "data": {**valid["data"], **frame}}, "world_update")


def test_a_chat_message_must_say_what_it_answers():
    chat = {
        "type": "chat_message",
        "tick": 1,
        "event_id": 5,
        "data": {
            "event_id": 5,
            "tick": 1,
            "location_id": 1,
            "speaker": {"id": 2, "name": "Oren", "kind": "npc"},
            "listener": {"id": 3, "name": "wren"},
            "text": "Aye.",
            "in_reply_to": "c-17",
            "in_reply_to_event_id": 4,
        },
    }
    frame_check(chat, "chat_message")
    data = dict(chat["data"])
    del data["in_reply_to"]

    with pytest.raises(AssertionError, match="in_reply_to"):
        frame_check({**chat, "data": data}, "chat_message")


@pytest.mark.django_db(transaction=True)
async def test_a_frame_off_the_schema_fails_the_test_that_receives_it(in_memory_channel_layer):
    """The fixture is on: a frame the schema does not describe, sent to a client, fails here."""
    from channels.db import database_sync_to_async

    world = await database_sync_to_async(websocket_world)()
    wren = await joined(world, "wren")
    try:
        stray = {"type": "notification", "data": {"message": "no tick, no event id"}}
        await get_channel_layer().group_send(location_group(world["ash"].id), frame_message(stray))
        with pytest.raises(AssertionError, match="breaks the schema"):
            await wren.receive_json_from(timeout=2)
    finally:
        await wren.disconnect()
