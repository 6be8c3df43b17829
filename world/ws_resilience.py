"""WebSockets through an outage: close with 1013 ("try again later"), never 1011.

When Redis goes away, the channel layer's receive loop inside Channels
(`AsyncConsumer.__call__` → `await_many_dispatch` → `channel_layer.receive`) raises, outside
any consumer handler; when PostgreSQL goes away, a consumer's database call raises. Either
exception escaped the application and daphne closed the socket with 1011 (internal error),
which tells a client something is broken rather than to come back.

`OutageGuard` wraps the WebSocket application (`htrae/asgi.py`) and turns such an exception
(`htrae.outage.is_outage`) into a close with 1013, accepting the handshake first if it was
still pending so the client sees the code rather than an HTTP 500. A client reconnects after
a backoff and catches up through `GET /api/events?after=<last event id>`. Any other
exception still propagates (a bug stays a 1011 and a traceback).

daphne sends an application's close through autobahn's `sendClose`, which accepts only 1000
and 3000-4999 and raises for the IANA-registered server codes (1012-1014): the close was
lost and the socket stayed open with no application behind it.
`allow_registered_close_codes()` (called by `htrae/asgi.py`) lets daphne send those.

Consumers need nothing to benefit: the guard sits outside Channels' machinery. A consumer
that would rather answer one failed message than lose the socket can catch
`htrae.outage.OUTAGE_ERRORS` in its handler and send an `error` frame with code
`unavailable`; whatever it does not catch reaches this guard.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from htrae.outage import is_outage, service_of

logger = logging.getLogger(__name__)

CLOSE_TRY_AGAIN_LATER = 1013  # RFC 6455 §7.4.1 / IANA registry: "Try Again Later"


# Server close codes registered with IANA that autobahn's sendClose refuses from applications.
REGISTERED_SERVER_CLOSE_CODES = frozenset({1011, 1012, 1013, 1014})


def allow_registered_close_codes() -> None:
    """Let daphne send 1011-1014 when the application closes with them (idempotent)."""
    from daphne.ws_protocol import WebSocketProtocol

    original = WebSocketProtocol.serverClose
    if getattr(original, "allows_registered_codes", False):
        return

    def server_close(self, code=None):
        if code in REGISTERED_SERVER_CLOSE_CODES:
            # What autobahn's sendClose does once it has validated the code.
            self.sendCloseFrame(code=code, isReply=False)
        else:
            original(self, code)

    server_close.allows_registered_codes = True
    WebSocketProtocol.serverClose = server_close


class OutageGuard:
    """ASGI middleware for the `websocket` scope: an outage closes the socket with 1013."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive, send) -> None:
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        state = {"accepted": False, "closed": False}

        async def tracking_send(message: dict[str, Any]) -> None:
            if message["type"] == "websocket.accept":
                state["accepted"] = True
            elif message["type"] == "websocket.close":
                state["closed"] = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if not is_outage(error):
                raise
            logger.warning(
                "closing a WebSocket with %s: %s is unavailable (%s: %s)",
                CLOSE_TRY_AGAIN_LATER,
                service_of(error),
                type(error).__name__,
                error,
            )
            if state["closed"]:
                return
            # The client may be gone already; then there is nobody left to tell.
            with contextlib.suppress(Exception):
                if not state["accepted"]:
                    await send({"type": "websocket.accept"})
                try:
                    await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})
                except Exception:  # a server that cannot send 1013: close anyway, never leave it open
                    await send({"type": "websocket.close"})
