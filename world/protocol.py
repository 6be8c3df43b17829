"""The WebSocket protocol's client side, checked before anything is touched (pure).

A client sends `{"type": "player_action", "request_id": "...", "data": {"action": ..., ...}}`.
`parse_client_message` returns the parsed action or raises `ProtocolError` with the stable
code the `error` reply carries. docs/websocket.md is the protocol's reference.
"""

from __future__ import annotations

import json
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

MAX_MESSAGE_BYTES = 64 * 1024
MAX_REQUEST_ID_CHARS = 64
MAX_DEPTH = 16  # objects and lists within each other; no action needs more than 3
INT64 = 2**63  # ids and counts are PostgreSQL bigints
MESSAGES_PER_SECOND = 10  # past this, each message gets a `rate_limited` error
FLOOD_PER_SECOND = 40  # past this, the connection is closed with CLOSE_FLOODING
CLOSE_FLOODING = 4008
CLOSE_UNAUTHENTICATED = 4401
CLIENT_TYPES = ("player_action",)


class ProtocolError(Exception):
    def __init__(self, code: str, message: str, *, request_id: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id


@dataclass(frozen=True)
class ClientAction:
    request_id: str
    action: str
    data: dict[str, Any]


def parse_client_message(text: str | None) -> ClientAction:
    if text is None:
        raise ProtocolError("binary_not_supported", "Send JSON text frames, not binary.")
    if len(text.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise ProtocolError("message_too_large", f"Messages are at most {MAX_MESSAGE_BYTES} bytes.")
    try:
        message = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as error:
        raise ProtocolError("too_deep", f"JSON nested deeper than {MAX_DEPTH} levels.") from error
    except ValueError as error:
        raise ProtocolError("malformed_json", f"Not valid JSON: {error}.") from error
    if not isinstance(message, dict):
        raise ProtocolError("invalid_message", "A message is a JSON object with a type.")
    request_id = message.get("request_id")
    if isinstance(request_id, str) and not _clean_text(request_id):
        raise ProtocolError("invalid_text", "request_id: NUL characters and lone surrogates are not allowed.")
    _check_values(message, request_id=request_id if isinstance(request_id, str) else None)
    echo = request_id if isinstance(request_id, str) and len(request_id) <= MAX_REQUEST_ID_CHARS else None
    message_type = message.get("type")
    if message_type not in CLIENT_TYPES:
        raise ProtocolError("unknown_type", f"Unknown message type {message_type!r}.", request_id=echo)
    if not isinstance(request_id, str) or not request_id.strip():
        raise ProtocolError("missing_field", "request_id: a non-empty string is required.")
    if len(request_id) > MAX_REQUEST_ID_CHARS:
        raise ProtocolError("invalid_field", f"request_id: at most {MAX_REQUEST_ID_CHARS} characters.")
    data = message.get("data")
    if not isinstance(data, dict):
        raise ProtocolError("missing_field", "data: an object with an action is required.", request_id=request_id)
    action = data.get("action")
    if not isinstance(action, str):
        raise ProtocolError("missing_field", "data.action is required.", request_id=request_id)
    unexpected = _unexpected_fields(action, data)
    if unexpected:
        raise ProtocolError(
            "invalid_field",
            f"data: {', '.join(unexpected)} is not a field of {action!r} (see the client_frame schema).",
            request_id=request_id,
        )
    return ClientAction(request_id=request_id, action=action, data=data)


def _unexpected_fields(action: str, data: dict) -> list[str]:
    """Fields the schema does not give the action: refused, as the schema refuses them, so a
    frame is acknowledged only if it is valid (a `wait` carrying a `to` was applied as a wait)."""
    from world.frame_schema import action_fields  # here: the schema module reads this one's limits

    allowed = action_fields(action)
    if allowed is None:  # an action registered by another app checks its own data
        return []
    return sorted(repr(name) for name in data if name != "action" and name not in allowed)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _clean_text(text: str) -> bool:
    """Storable and sendable: no NUL (PostgreSQL refuses it) and no lone surrogate (not UTF-8)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_values(message: Any, *, request_id: str | None) -> None:
    """Every value within bounds before anything reads it: depth, text, integers."""
    echo = request_id if request_id and len(request_id) <= MAX_REQUEST_ID_CHARS else None
    stack = [(message, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise ProtocolError("too_deep", f"JSON nested deeper than {MAX_DEPTH} levels.", request_id=echo)
            children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(value, str):
            if not _clean_text(value):
                raise ProtocolError(
                    "invalid_text", "Text may not hold NUL characters or lone surrogates.", request_id=echo
                )
        elif isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
            raise ProtocolError("out_of_range", f"{value} is out of range for an id or a number.", request_id=echo)


class RateLimiter:
    """Messages per rolling second for one connection.

    Refused messages do not count against the rate (a client that overshoots still gets
    `per_second` through each second); every frame counts toward flooding."""

    def __init__(self, *, per_second: int = MESSAGES_PER_SECOND, flood: int = FLOOD_PER_SECOND, clock=time.monotonic):
        self.per_second = per_second
        self.flood = flood
        self.clock = clock
        self.accepted: deque[float] = deque()
        self.frames: deque[float] = deque()

    def hit(self) -> str:
        """Record a message: "ok", "limited" (refuse it) or "flood" (close the connection)."""
        now = self.clock()
        for window in (self.accepted, self.frames):
            while window and now - window[0] >= 1.0:
                window.popleft()
        self.frames.append(now)
        if len(self.frames) > self.flood:
            return "flood"
        if len(self.accepted) >= self.per_second:
            return "limited"
        self.accepted.append(now)
        return "ok"

    def retry_after(self) -> float:
        """Seconds until the window has room again."""
        if len(self.accepted) < self.per_second:
            return 0.0
        return round(max(0.0, 1.0 - (self.clock() - self.accepted[0])), 3)
