"""The simulation WebSocket's protocol as one JSON Schema (draft 2020-12) document: every frame
a client may send (`client_frame`) and every frame the server sends (`server_frame`).

Served at `GET /api/schema/websocket.json` (docs/websocket.md). The shapes the WebSocket shares
with the REST API (a `world_update` is `GET /api/world/state`, a `spectra_status_update` is
`GET /api/spectra/status`) are not written twice: they are the OpenAPI components of those
endpoints, converted from OpenAPI 3.0 to JSON Schema, so the two cannot drift apart. Objects
are closed (`additionalProperties: false`) except where the data is free-form (an event's
`payload`): a field the server starts sending is a field the schema must name.

The tests validate every frame they see against this document (tests/conftest.py).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from world.protocol import MAX_REQUEST_ID_CHARS
from world.services import SPEECH_MAX_CHARS

SCHEMA_URL = "/api/schema/websocket.json"

# The REST components a frame embeds, by the OpenAPI component name.
_SHARED_COMPONENTS = ("WorldState", "SpectraStatus")

ERROR_CODES = (
    "malformed_json",
    "invalid_message",
    "too_deep",
    "invalid_text",
    "out_of_range",
    "unknown_type",
    "missing_field",
    "invalid_field",
    "unknown_action",
    "no_character",
    "not_adjacent",
    "empty_text",
    "text_too_long",
    "unknown_target",
    "held_by_another",
    "already_carried",
    "fixed_object",
    "hands_full",
    "not_carried",
    "unknown_quest",
    "quest_unavailable",
    "giver_not_here",
    "already_accepted",
    "already_completed",
    "too_many_quests",
    "not_holding_quest",
    "message_too_large",
    "binary_not_supported",
    "rate_limited",
    "busy",
    "unavailable",
    "internal_error",
)

_INT = {"type": "integer"}
_ID = {"type": "integer", "minimum": 1}
_TEXT = {"type": "string"}
_NULLABLE_ID = {"type": ["integer", "null"]}


def _object(properties: dict[str, Any], *, optional: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    """A closed object: every property required but the `optional` ones, no others allowed."""
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
        **extra,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


# --- Client → server -----------------------------------------------------------------------

_OBJECT_ID = {"object": _ID}

# Each action's `data` (besides `action`): what world.services and the registered actions read.
_ACTION_FIELDS: dict[str, dict[str, Any]] = {
    "move": {"to": {**_ID, "description": "The id of a location listed in the place's exits."}},
    "speak": {"text": {"type": "string", "pattern": r"\S", "maxLength": SPEECH_MAX_CHARS}},
    "interact": {"target": _object({"type": {"enum": ["character", "object"]}, "id": _ID})},
    "wait": {},
    "accept_quest": {"quest": {"type": "string", "minLength": 1, "description": "The quest's slug."}},
    "abandon_quest": {"quest": {"type": "string", "minLength": 1}},
    "take": _OBJECT_ID,
    "give": {**_OBJECT_ID, "to": {**_ID, "description": "A character at the location."}},
    "use": _OBJECT_ID,
    "drop": _OBJECT_ID,
}


def action_fields(action: str) -> frozenset[str] | None:
    """The fields an action's `data` may hold besides `action`, or None for an action the
    schema does not describe."""
    fields = _ACTION_FIELDS.get(action)
    return None if fields is None else frozenset(fields)


def _client_defs() -> dict[str, Any]:
    actions = {
        f"action_{name}": _object({"action": {"const": name}, **fields}) for name, fields in _ACTION_FIELDS.items()
    }
    player_action = _object(
        {
            "type": {"const": "player_action"},
            "request_id": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_REQUEST_ID_CHARS,
                "pattern": r"\S",
                "description": "The client's own id for the message, echoed in its ack or error; "
                "the same id is applied once.",
            },
            "data": {"oneOf": [_ref(name) for name in actions]},
        }
    )
    return {**actions, "player_action": player_action}


# --- Server → client -----------------------------------------------------------------------

_NAMED = _object({"id": _ID, "name": _TEXT})
_OBJECT_REF = _object({"id": _ID, "name": _TEXT})

# Each action's `ack` data (the `reply` of world.services.player_action_apply).
_ACK_FIELDS: dict[str, dict[str, Any]] = {
    "move": {"location": _NAMED},
    "speak": {"text": _TEXT},
    "interact": {
        "target": {
            "oneOf": [
                _object(
                    {
                        "type": {"const": "character"},
                        "id": _ID,
                        "name": _TEXT,
                        "kind": _TEXT,
                        "description": _TEXT,
                        "mood": _TEXT,
                        "faction": {"type": ["string", "null"]},
                    }
                ),
                _object({"type": {"const": "object"}, "id": _ID, "name": _TEXT, "kind": _TEXT, "description": _TEXT}),
            ]
        }
    },
    "wait": {},
    "accept_quest": {
        "quest": _object({"slug": _TEXT, "title": _TEXT, "assignment_id": _ID}),
        "step": _object({"order": _INT, "objective": _TEXT, "objective_type": _TEXT}),
        "deadline_tick": {"type": ["integer", "null"]},
    },
    "abandon_quest": {"quest": _object({"slug": _TEXT, "title": _TEXT})},
    "take": {"object": _OBJECT_REF, "stolen": {"type": "boolean"}},
    "give": {"object": _OBJECT_REF, "to": _NAMED},
    "use": {
        "object": _OBJECT_REF,
        "effect": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "properties": {"object_id": _ID, "sets": {"type": "object"}, "says": {"type": ["string", "null"]}},
                    "required": ["object_id"],
                },
            ]
        },
    },
    "drop": {"object": _OBJECT_REF},
}


def _frame(frame_type: str, data: dict[str, Any], *, with_event: bool = True) -> dict[str, Any]:
    """A server frame: `type`, `data`, and (for what the world did) its `tick` and `event_id`."""
    properties: dict[str, Any] = {"type": {"const": frame_type}}
    if with_event:
        properties |= {"tick": _INT, "event_id": {**_INT, "minimum": 0}}
    return _object({**properties, "data": data})


def _server_defs() -> dict[str, Any]:
    acks = {
        f"ack_{name}": _object(
            {"action": {"const": name}, "event_id": _ID, **fields, "replayed": {"const": True}}, optional=("replayed",)
        )
        for name, fields in _ACK_FIELDS.items()
    }
    chat = _object(
        {
            "event_id": _ID,
            "tick": _INT,
            "location_id": _ID,
            "speaker": _object({"id": _ID, "name": _TEXT, "kind": {"enum": ["player", "npc", "spectra"]}}),
            "listener": {"oneOf": [{"type": "null"}, _NAMED]},
            "text": _TEXT,
            "in_reply_to": {
                "type": ["string", "null"],
                "description": "When this answers a player's speak: that action's request_id.",
            },
            "in_reply_to_event_id": {
                "type": ["integer", "null"],
                "description": "When this answers a player's line: that line's event id.",
            },
        }
    )
    notification = _object(
        {"event_id": _ID, "tick": _INT, "event_type": _TEXT, "location_id": _NULLABLE_ID, "message": _TEXT}
    )
    error = _object(
        {
            "type": {"const": "error"},
            "request_id": {"type": "string"},
            "data": _object(
                {
                    "code": {"enum": list(ERROR_CODES)},
                    "message": _TEXT,
                    "retry_after": {"type": "number", "minimum": 0},
                },
                optional=("retry_after",),
            ),
        },
        optional=("request_id",),
    )
    frames = {
        "world_update": _frame("world_update", _ref("WorldState")),
        "chat_message": _frame("chat_message", chat),
        "notification": _frame("notification", notification),
        "spectra_status_update": _frame("spectra_status_update", _ref("SpectraStatus")),
        "ack": _object(
            {"type": {"const": "ack"}, "request_id": {"type": "string"}, "data": {"oneOf": [_ref(n) for n in acks]}}
        ),
        "error": error,
    }
    return {**acks, **frames}


# --- The document ----------------------------------------------------------------------------


@functools.cache
def websocket_schema() -> dict[str, Any]:
    """The whole document (built once per process: it reads the OpenAPI schema)."""
    client, server = _client_defs(), _server_defs()
    defs = {**_shared_components(), **client, **server}
    server_frames = ["world_update", "chat_message", "notification", "spectra_status_update", "ack", "error"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_URL,
        "title": "Htrae simulation WebSocket (/ws/simulation)",
        "description": "Every frame is one JSON text message {type, data, ...}; see docs/websocket.md. "
        "Validate a frame the server sends against #/$defs/server_frame, one a client sends "
        "against #/$defs/client_frame.",
        "$defs": {
            **defs,
            "client_frame": {"oneOf": [_ref("player_action")]},
            "server_frame": {
                "oneOf": [_ref(name) for name in server_frames],
            },
        },
        "oneOf": [_ref("client_frame"), _ref("server_frame")],
    }


def _shared_components() -> dict[str, Any]:
    """The REST components frames share, and those they refer to, as JSON Schema."""
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    wanted: dict[str, Any] = {}
    pending = list(_SHARED_COMPONENTS)
    while pending:
        name = pending.pop()
        if name in wanted:
            continue
        wanted[name] = openapi_to_json_schema(components[name])
        pending += _refs_in(wanted[name])
    return wanted


def _refs_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else []
        return found + [name for value in node.values() for name in _refs_in(value)]
    if isinstance(node, list):
        return [name for value in node for name in _refs_in(value)]
    return []


def openapi_to_json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema 2020-12: `nullable` becomes a "null" type,
    component references point into `$defs`, and objects with named properties are closed."""
    if isinstance(node, list):
        return [openapi_to_json_schema(value) for value in node]
    if not isinstance(node, dict):
        return node
    node = {key: openapi_to_json_schema(value) for key, value in copy.deepcopy(node).items()}
    if "$ref" in node:
        node["$ref"] = "#/$defs/" + node["$ref"].rsplit("/", 1)[1]
    if node.get("type") == "object" and "properties" in node:
        node.setdefault("additionalProperties", False)
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node
