"""Checks a WebSocket frame against the protocol's JSON Schema (world.frame_schema): the
fixture in tests/conftest.py runs them on every frame a test's WebsocketCommunicator sees."""

from __future__ import annotations

import functools
import json
from typing import Any

import jsonschema

from world.frame_schema import websocket_schema


@functools.cache
def _validator(definition: str) -> jsonschema.Draft202012Validator:
    schema = websocket_schema()
    if definition not in schema["$defs"]:
        raise AssertionError(f"The WebSocket schema defines no {definition!r}.")
    return jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"})


def frame_check(frame: Any, definition: str) -> None:
    """Raise AssertionError, naming the first mismatch, if `frame` is not a `definition`."""
    error = jsonschema.exceptions.best_match(_validator(definition).iter_errors(frame))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(the frame)"
        raise AssertionError(f"{definition} frame breaks the schema at {where}: {error.message}\n{frame}")


def server_frame_check(frame: Any) -> None:
    """A frame the server sent: the schema's definition for its `type`."""
    kind = frame.get("type") if isinstance(frame, dict) else None
    if not isinstance(kind, str):
        raise AssertionError(f"A server frame without a type: {frame!r}")
    frame_check(frame, kind)
    frame_check(frame, "server_frame")


def parsed(text: str | bytes | None) -> Any:
    try:
        return json.loads(text) if isinstance(text, str | bytes) else None
    except (ValueError, RecursionError):  # tests send malformed and absurdly deep frames on purpose
        return None
