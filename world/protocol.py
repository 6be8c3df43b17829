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
        message = json.loads(text)
    except ValueError as error:
        raise ProtocolError("malformed_json", f"Not valid JSON: {error}.") from error
    if not isinstance(message, dict):
        raise ProtocolError("invalid_message", "A message is a JSON object with a type.")
    request_id = message.get("request_id")
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
    return ClientAction(request_id=request_id, action=action, data=data)


class RateLimiter:
    """Messages per rolling second for one connection."""

    def __init__(self, *, per_second: int = MESSAGES_PER_SECOND, flood: int = FLOOD_PER_SECOND, clock=time.monotonic):
        self.per_second = per_second
        self.flood = flood
        self.clock = clock
        self.recent: deque[float] = deque()

    def hit(self) -> str:
        """Record a message: "ok", "limited" (refuse it) or "flood" (close the connection)."""
        now = self.clock()
        while self.recent and now - self.recent[0] >= 1.0:
            self.recent.popleft()
        self.recent.append(now)
        if len(self.recent) > self.flood:
            return "flood"
        return "limited" if len(self.recent) > self.per_second else "ok"
