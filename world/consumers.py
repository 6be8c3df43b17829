"""The simulation WebSocket (`/ws/simulation`): a thin consumer.

It authenticates the player, joins the groups it should hear (its location, itself, the
whole world), sends a `world_update` snapshot, then relays the frames `world.broadcast`
sends to those groups, and turns `player_action` messages into calls of
`world.services.player_action_apply`. docs/websocket.md describes the protocol.

Actions of one connection are applied in order, by one task per connection fed from a
bounded queue; actions of different connections run at once on a pool of database threads
(`ACTION_EXECUTOR`), not Channels' single database thread. A client that sends faster than
its actions are applied gets `busy` with a `retry_after` at once instead of a growing
backlog. No frame a client sends can close the socket with an error: every failure is an
`error` reply; a database or Redis outage is `unavailable`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from channels.consumer import get_handler_name
from channels.db import DatabaseSyncToAsync
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection

from htrae.errors import DomainError
from htrae.metrics import ACK_SECONDS, WS_CONNECTIONS, WS_ERRORS
from htrae.outage import OUTAGE_ERRORS, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE, log_outage
from world import presence, services
from world.broadcast import WORLD_GROUP, character_group, location_group, world_update_frame
from world.protocol import CLOSE_FLOODING, ClientAction, ProtocolError, RateLimiter, parse_client_message
from world.selectors import player_character_get, player_view_get

logger = logging.getLogger(__name__)

# The server cannot serve this connection now; reconnect later (daphne may send it:
# world.ws_resilience.allow_registered_close_codes).
CLOSE_TRY_AGAIN_LATER = 1013

# Database threads for players' actions, shared by every connection of this process.
ACTION_EXECUTOR = ThreadPoolExecutor(max_workers=settings.WS_ACTION_THREADS, thread_name_prefix="ws-action")


def _in_action_thread(func):
    """Run `func` on the action pool, with Django's connection hygiene (as Channels does)."""
    return DatabaseSyncToAsync(func, thread_sensitive=False, executor=ACTION_EXECUTOR)


def action_connections_close(timeout: float = 10.0) -> None:
    """Close the database connection of every action thread (tests, before the test database
    is dropped). A barrier holds each thread in one task, so every thread closes its own."""
    workers = settings.WS_ACTION_THREADS
    barrier = threading.Barrier(workers, timeout=timeout)

    def close_mine() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        connection.close()

    for future in [ACTION_EXECUTOR.submit(close_mine) for _ in range(workers)]:
        future.result(timeout + 1)


MAX_PACE_SAMPLE_SECONDS = 0.5


class ActionBacklog:
    """Actions admitted and not yet done in this process, how long applying one takes, and
    how often one finishes while others wait: the expected wait of a new action.

    The process-wide estimate is Little's law on what was measured, not on the number of
    threads: applying actions is mostly Python under one interpreter lock, so eight threads
    do not finish eight times as fast. The time between completions while actions wait is the
    process's real pace."""

    def __init__(self) -> None:
        self.pending = 0
        self.mean_seconds = 0.02  # applying one action, in its thread
        self.mean_interval = 0.0  # between two completions while the process is busy
        self.last_done = 0.0

    def expected_wait(self, *, own: int) -> float:
        """Seconds the other connections' actions ahead of a new one take, at the process's
        pace. (A connection's own burst is bounded by its queue, WS_ACTION_QUEUE, not by time:
        a client may send its rate limit's worth at once.)"""
        return max(0, self.pending - own) * self.mean_interval

    def done(self) -> None:
        now = time.monotonic()
        if self.pending > 1 and self.last_done:  # others were waiting: this is the pace
            # (a tick holding every action for a moment must not read as the pace for long)
            interval = min(now - self.last_done, MAX_PACE_SAMPLE_SECONDS)
            self.mean_interval = 0.7 * self.mean_interval + 0.3 * interval
        self.last_done = now
        self.pending -= 1

    def observe(self, seconds: float) -> None:
        self.mean_seconds = 0.95 * self.mean_seconds + 0.05 * seconds

    def timed(self, func):
        """`func`, reporting how long each call took (in the thread it runs in)."""

        def call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.observe(time.perf_counter() - started)

        return call


BACKLOG = ActionBacklog()


def _character_for(user):
    return player_character_get(user=user)


def _snapshot(character) -> dict[str, Any]:
    """The connect (and after-move) `world_update`: the REST state, as every `world_update` is."""
    view = player_view_get(character_id=character.id)
    return world_update_frame(tick=view.get("tick") or 0, surroundings=view)


def _action_apply(character, action: ClientAction) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Apply the action; after a move, also the new place's snapshot, built in the same
    thread right after commit (one hand-off to the pool instead of two)."""
    reply = services.player_action_apply(
        character_id=character.id, request_id=action.request_id, action=action.action, data=action.data
    )
    if action.action != "move" or reply.get("replayed"):
        return reply, None
    try:
        return reply, _snapshot(character)
    except (DatabaseError, *OUTAGE_ERRORS):  # the move stands: it is acked, and the snapshot tried again
        logger.warning("could not build the snapshot after a move", exc_info=True)
        return reply, None


class SimulationConsumer(AsyncWebsocketConsumer):
    character = None
    held_frames: list[dict[str, Any]] | None = None  # broadcast messages, while one of its actions is applied
    own_pending = 0  # this connection's actions admitted and not yet done

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' own dispatch, less its `aclose_old_connections()` before every message
        (channels 4.2+, for consumers using the async ORM on the loop): that is a hop to
        asgiref's one thread-sensitive thread for every frame of every client, which queued
        all of a loaded server's frames behind one thread (~13% of its time). This consumer
        touches the database only through the action pool, which closes stale connections
        around each call (`DatabaseSyncToAsync`)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        user = self.scope.get("user")
        try:
            self.character = (
                await _in_action_thread(_character_for)(user) if user is not None and user.is_authenticated else None
            )
        except OUTAGE_ERRORS:
            logger.warning("refusing a WebSocket: the database is unavailable", exc_info=True)
            await self.accept()
            await self.close(code=CLOSE_TRY_AGAIN_LATER)
            return
        if self.character is None:
            await self.close()  # refuses the handshake: HTTP 403
            return
        self.rate = RateLimiter()
        self.actions: asyncio.Queue[tuple[ClientAction, float]] = asyncio.Queue(maxsize=settings.WS_ACTION_QUEUE)
        self.location_id = self.character.location_id
        try:
            for group in self._groups():
                await self.channel_layer.group_add(group, self.channel_name)
            await self.accept()
            await self.send_json(await _in_action_thread(_snapshot)(self.character))
        except OUTAGE_ERRORS:
            logger.warning("closing a new WebSocket: a service is unavailable", exc_info=True)
            await self.accept()
            await self.close(code=CLOSE_TRY_AGAIN_LATER)
            return
        self.applier = asyncio.ensure_future(self._apply_actions())
        WS_CONNECTIONS.inc()
        presence.connection_opened(self.character.id)

    def _groups(self) -> tuple[str, ...]:
        return (location_group(self.location_id), character_group(self.character.id), WORLD_GROUP)

    async def disconnect(self, code: int) -> None:
        if self.character is None:
            return
        applier = getattr(self, "applier", None)
        if applier is not None:
            WS_CONNECTIONS.dec()
            presence.connection_closed(self.character.id)  # opened exactly when the applier started
            applier.cancel()  # queued actions are dropped unapplied; nothing can ack them now
            BACKLOG.pending -= self.actions.qsize()
            self.own_pending -= self.actions.qsize()
        for group in self._groups():
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except OUTAGE_ERRORS:  # Redis is down: its group entries expire on their own
                logger.info("could not leave %s on disconnect", group)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        verdict = self.rate.hit()
        if verdict == "flood":
            await self.close(code=CLOSE_FLOODING)
            return
        try:
            action = parse_client_message(text_data)
        except ProtocolError as error:
            action, refusal = None, error
        if verdict == "limited":  # parsed first only to echo the request id
            await self.send_error(
                "rate_limited",
                "Too many messages; slow down.",
                request_id=action.request_id if action else refusal.request_id,
                retry_after=self.rate.retry_after(),
            )
            return
        if action is None:
            await self.send_error(refusal.code, refusal.message, request_id=refusal.request_id)
            return
        # Back-pressure: an action that would wait longer than WS_ACTION_MAX_WAIT_SECONDS (the
        # process is saturated, or this client sends faster than its actions apply) is refused
        # at once with `busy`, never left to grow a backlog.
        wait = BACKLOG.expected_wait(own=self.own_pending)
        if wait > settings.WS_ACTION_MAX_WAIT_SECONDS or self.actions.full():
            own_wait = self.actions.qsize() * BACKLOG.mean_seconds
            await self.send_error(
                "busy",
                "The world is busy with earlier actions; send this one again shortly.",
                request_id=action.request_id,
                retry_after=round(max(wait, own_wait, 0.05), 3),
            )
            return
        BACKLOG.pending += 1
        self.own_pending += 1
        self.actions.put_nowait((action, time.monotonic()))

    async def _apply_actions(self) -> None:
        """This connection's actions, in the order sent, each acknowledged or refused."""
        while True:
            action, arrived = await self.actions.get()
            # Frames the action itself sets off arrive while it commits: hold them until the
            # ack (and after a move, the new place's snapshot) has gone out, as a client expects.
            self.held_frames = []
            try:
                await self._apply(action, arrived=arrived)
            except asyncio.CancelledError:
                raise
            except Exception:  # never let one action end the connection's applier
                logger.exception("player action %s failed", action.action)
                await self._safe_error("internal_error", "The action failed; nothing was changed.", action)
            finally:
                held, self.held_frames = self.held_frames, None
                BACKLOG.done()
                self.own_pending -= 1
            for frame in held:
                await self._relay(frame)

    async def _apply(self, action: ClientAction, *, arrived: float) -> None:
        try:
            reply, snapshot = await _in_action_thread(BACKLOG.timed(_action_apply))(self.character, action)
        except DomainError as error:
            await self.send_error(error.code, error.message, request_id=action.request_id, retry_after=_busy(error))
            return
        except ValidationError as error:
            await self.send_error("invalid_field", " ".join(error.messages), request_id=action.request_id)
            return
        except OUTAGE_ERRORS as error:
            log_outage(error, f"player action {action.action}")
            await self._safe_error("unavailable", UNAVAILABLE_MESSAGE, action, RETRY_AFTER_SECONDS)
            return
        except DatabaseError as error:  # a value the database refused (after the protocol's checks)
            logger.warning("player action refused by the database: %s", error)
            await self.send_error("invalid_field", "A value was refused.", request_id=action.request_id)
            return
        await self.send_json({"type": "ack", "request_id": action.request_id, "data": reply})
        ACK_SECONDS.observe(time.monotonic() - arrived)
        if action.action == "move" and not reply.get("replayed"):
            destination = reply["location"]["id"]
            try:
                await self._follow_to(destination, snapshot=snapshot)
                # The player's other connections (another tab) follow too.
                await self.channel_layer.group_send(
                    character_group(self.character.id), {"type": "player.relocated", "location_id": destination}
                )
            except OUTAGE_ERRORS:
                # The move is stored and acknowledged; the client resyncs from /api/world/state.
                logger.warning("could not follow a move to %s", destination, exc_info=True)

    async def _safe_error(self, code: str, message: str, action: ClientAction, retry_after: float | None = None):
        try:
            await self.send_error(code, message, request_id=action.request_id, retry_after=retry_after)
        except Exception:  # the socket is gone
            logger.debug("could not send %s", code)

    async def _follow_to(self, location_id: int, *, snapshot: dict[str, Any] | None = None) -> None:
        """After a move: hear the new place instead of the old, and see it at once."""
        if location_id != self.location_id:
            await self.channel_layer.group_discard(location_group(self.location_id), self.channel_name)
            await self.channel_layer.group_add(location_group(location_id), self.channel_name)
            self.location_id = location_id
        await self.send_json(snapshot or await _in_action_thread(_snapshot)(self.character))

    async def player_relocated(self, message: dict[str, Any]) -> None:
        if message["location_id"] != self.location_id:
            try:
                await self._follow_to(message["location_id"])
            except OUTAGE_ERRORS:
                logger.warning("could not follow another tab's move", exc_info=True)

    async def world_frame(self, message: dict[str, Any]) -> None:
        """A frame from `world.broadcast` (`frame_message`: its JSON text, written once for
        the whole group), sent to a group this client is in."""
        if self.held_frames is not None:
            self.held_frames.append(message)
        else:
            await self._relay(message)

    async def _relay(self, message: dict[str, Any]) -> None:
        place = message.get("place")
        if place is not None and place != self.location_id:
            return  # a place's world_update queued for a place this client has just left
        await self.send(text_data=message["text"])

    async def send_error(
        self, code: str, message: str, *, request_id: str | None = None, retry_after: float | None = None
    ) -> None:
        WS_ERRORS.labels(code=code).inc()
        frame: dict[str, Any] = {"type": "error", "data": {"code": code, "message": message}}
        if retry_after is not None:
            frame["data"]["retry_after"] = retry_after
        if request_id is not None:
            frame["request_id"] = request_id
        await self.send_json(frame)

    async def send_json(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False, default=str))


def _busy(error: DomainError) -> float | None:
    return 0.5 if error.code == "busy" else None
