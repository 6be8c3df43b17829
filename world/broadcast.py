"""The one place that turns committed events into WebSocket frames and sends them.

Domain code never imports Channels: it publishes events (`world.events`), and after commit
this module builds frames (`{"type", "data"}`) for the groups that should see them and sends
them through the channel layer. Groups are per location (`location.<id>`) so the cost of a
tick follows occupied places, not connected clients; `world` reaches every client.

Per tick, a location group gets one `world_update` and at most a few `chat_message` frames:
channels-redis drops messages to a full channel silently, so nothing here scales with the
number of NPCs at a place.

`notification` frames come from a registry: `register_notification(event_type, message,
audience=...)` says which events are worth a line, and to whom (everyone, or only the
character the event is about). Other apps register theirs in `ready()`, so the world sends
their notifications without importing them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from htrae.background import Coalescer, ServerLoopGone, call_on_server_loop, server_loop
from htrae.metrics import FRAME_SENDS_FAILED, FRAMES_SENT, tick_broadcast_observe
from htrae.outage import is_outage, log_outage
from htrae.vocabulary import EventType
from world.models import Character, GameEvent
from world.selectors import locations_surroundings

logger = logging.getLogger(__name__)

WORLD_GROUP = "world"
FRAME_MESSAGE_TYPE = "world.frame"  # the consumer's `world_frame` handler
CHAT_FRAMES_PER_LOCATION = 5
NOTIFICATIONS_PER_TICK = 5  # per group: world-wide, and to each character

Frame = dict[str, Any]
Addressed = tuple[str, Frame]


def location_group(location_id: int) -> str:
    return f"location.{location_id}"


def character_group(character_id: int) -> str:
    return f"character.{character_id}"


# --- Frames ------------------------------------------------------------------------------


def frame_message(frame: Frame) -> dict[str, Any]:
    """The channel-layer message carrying `frame` to a group: its JSON text, written once
    here rather than once per member (a place's `world_update` is ~12 kB, and a busy place
    has many listeners), and, for a `world_update`, its place, so that a client that has
    just moved on can drop it unread."""
    place = frame["data"]["location"]["id"] if frame["type"] == "world_update" else None
    return {"type": FRAME_MESSAGE_TYPE, "text": json.dumps(frame, ensure_ascii=False, default=str), "place": place}


def world_update_frame(*, tick: int, surroundings: dict[str, Any]) -> Frame:
    """A place as everyone there sees it (`world.selectors.locations_surroundings`): the same
    data for the snapshot on connect, the tick's frame and `GET /api/world/state`, so it is
    written once per group."""
    event_id = surroundings["event_id"]
    return {"type": "world_update", "tick": tick, "event_id": event_id, "data": {**surroundings, "tick": tick}}


def chat_frame(event: GameEvent) -> Frame:
    payload = event.payload
    listener = None
    if payload.get("listener_id"):
        listener = {"id": payload["listener_id"], "name": payload.get("listener_name", "")}
    return {
        "type": "chat_message",
        "tick": event.tick,
        "event_id": event.id,
        "data": {
            "event_id": event.id,
            "tick": event.tick,
            "location_id": event.location_id,
            "speaker": {"id": event.actor_id, "name": payload.get("actor_name", ""), "kind": payload.get("actor_kind")},
            "listener": listener,
            "text": payload.get("text", ""),
            # An answer to a player's `speak`: its request id (for the asker's client) and the
            # line's event id (for everyone else there); null for lines nobody asked for.
            "in_reply_to": payload.get("in_reply_to_request_id"),
            "in_reply_to_event_id": payload.get("in_reply_to"),
        },
    }


def notification_frame(event: GameEvent, message: str) -> Frame:
    return {
        "type": "notification",
        "tick": event.tick,
        "event_id": event.id,
        "data": {
            "event_id": event.id,
            "tick": event.tick,
            "event_type": event.type,
            "location_id": event.location_id,
            "message": message,
        },
    }


# --- Notifications: which events are worth a line, and to whom ------------------------------

NotificationMessage = Callable[[GameEvent], str | None]


class Audience:
    WORLD = "world"  # every client
    CHARACTER = "character"  # only the player the payload's `character_id` (else the actor) names

    ALL = (WORLD, CHARACTER)


@dataclass(frozen=True)
class _Notice:
    message: NotificationMessage
    audience: str


_notices: dict[str, _Notice] = {}


def register_notification(event_type: str, message: NotificationMessage, *, audience: str = Audience.WORLD) -> None:
    """Send a `notification` frame for each committed event of `event_type`, with the line
    `message(event)` gives (None: no frame), to `audience`. A second registration for the
    same type replaces the first."""
    if audience not in Audience.ALL:
        raise ValueError(f"Unknown audience {audience!r}; one of {Audience.ALL}.")
    _notices[event_type] = _Notice(message=message, audience=audience)


def _notice_recipient(event: GameEvent, audience: str) -> int | None:
    if audience != Audience.CHARACTER:
        return None
    character_id = (event.payload or {}).get("character_id", event.actor_id)
    return character_id if isinstance(character_id, int) else None


def notification_frames(events: Iterable[GameEvent], *, per_group: int = NOTIFICATIONS_PER_TICK) -> list[Addressed]:
    """The `notification` frames for `events`, at most `per_group` to each group (one query
    when some are for a character: only players are sent theirs)."""
    candidates = [(event, _notices[event.type]) for event in events if event.type in _notices]
    recipients = {_notice_recipient(event, notice.audience) for event, notice in candidates}
    recipients.discard(None)
    players: set[int] = set()
    if recipients:  # NPCs hold quests too; nobody listens on their groups
        players = set(
            Character.objects.filter(id__any=recipients, kind=Character.Kind.PLAYER).values_list("id", flat=True)
        )
    frames: list[Addressed] = []
    sent: Counter[str] = Counter()
    for event, notice in candidates:
        if notice.audience == Audience.WORLD:
            group = WORLD_GROUP
        else:
            recipient = _notice_recipient(event, notice.audience)
            if recipient not in players:
                continue
            group = character_group(recipient)
        if sent[group] >= per_group:
            continue
        try:
            message = notice.message(event)
        except Exception:  # one app's bad line must not silence the rest of the frames
            logger.exception("notification for event %s failed", event.id)
            continue
        if message:
            sent[group] += 1
            frames.append((group, notification_frame(event, message)))
    return frames


register_notification(
    EventType.SPECTRA_MOVED, lambda event: f"Spectra has arrived at {event.payload.get('to_name', 'a new place')}."
)
register_notification(
    EventType.SPECTRA_CREATED, lambda event: f"Spectra made {event.payload.get('creation', 'something')}."
)
register_notification(
    EventType.PLAYER_JOINED, lambda event: f"{event.payload.get('actor_name', 'A traveller')} has entered Htrae."
)


# --- What a tick sends -------------------------------------------------------------------


def occupied_location_ids() -> list[int]:
    """Places where a player is: the only location groups worth a world_update."""
    players = Character.objects.filter(kind=Character.Kind.PLAYER, is_active=True)
    return sorted(set(players.values_list("location_id", flat=True)))


def tick_frames(tick: int, events: list[GameEvent]) -> list[Addressed]:
    """Every frame one tick sends, addressed to its group (a constant number of queries)."""
    occupied = occupied_location_ids()
    frames: list[Addressed] = []
    for location_id, surroundings in locations_surroundings(location_ids=occupied).items():
        frames.append((location_group(location_id), world_update_frame(tick=tick, surroundings=surroundings)))

    occupied_set = set(occupied)
    spoken: dict[int, list[GameEvent]] = defaultdict(list)
    for event in events:
        if event.type in EventType.SPEECH and event.location_id in occupied_set:
            spoken[event.location_id].append(event)
    for location_id, speech in spoken.items():
        frames += [(location_group(location_id), chat_frame(event)) for event in speech[:CHAT_FRAMES_PER_LOCATION]]

    frames += notification_frames(events)
    frames += _spectra_frames(events)
    return frames


def _spectra_frames(events: Iterable[GameEvent]) -> list[Addressed]:
    """Spectra's status (to everyone) and her idle behaviours (to the place she is in)."""
    frames: list[Addressed] = []
    statuses = [event for event in events if event.type == EventType.SPECTRA_STATUS_CHANGED]
    if statuses:  # only the latest status matters
        latest = statuses[-1]
        frames.append(
            (
                WORLD_GROUP,
                {"type": "spectra_status_update", "tick": latest.tick, "event_id": latest.id, "data": latest.payload},
            )
        )
    for event in events:
        if event.type == EventType.SPECTRA_EXPRESSED and event.location_id:
            frames.append((location_group(event.location_id), notification_frame(event, event.payload["text"])))
    return frames


def broadcast_tick(tick: int, events: list[GameEvent], *, work_done: float, close_pools: bool = False) -> None:
    """After a tick commits: send its frames. A failure here never undoes the tick.

    `work_done` (`time.perf_counter()` when the tick's work ended, before its commit) times the
    commit; the commit, building the frames and sending them are what players wait for after
    the tick (`htrae_tick_broadcast_seconds`, and a log line)."""
    started = time.perf_counter()
    try:
        frames = tick_frames(tick, events)
        built = time.perf_counter()
        send_frames(frames, close_pools=close_pools)
    except Exception as error:  # the world moved on; clients resync from /api/events
        _log_send_failure(error, f"broadcasting tick {tick}")
        return
    sent = time.perf_counter()
    commit = started - work_done
    tick_broadcast_observe(commit=commit, build=built - started, send=sent - built)
    logger.info(
        "tick %s broadcast: commit %.0f ms, %s frames built in %.0f ms, sent in %.0f ms",
        tick,
        commit * 1000,
        len(frames),
        (built - started) * 1000,
        (sent - built) * 1000,
    )


# --- What a player's action sends ----------------------------------------------------------


def event_frames(events: Iterable[GameEvent]) -> list[Addressed]:
    """Frames for events published outside the tick (players' actions)."""
    frames: list[Addressed] = []
    refresh: set[int] = set()
    for event in events:
        if event.type in EventType.SPEECH:
            frames.append((location_group(event.location_id), chat_frame(event)))
        # Whatever happens at a place changes what it shows (its people, things, latest
        # events): a `world_update` follows, so a client's copy of the place always catches up
        # with `GET /api/world/state` (tests/world/test_world_update_contract.py).
        if event.location_id is not None:
            refresh.add(event.location_id)
        if event.payload.get("from_id"):
            refresh.add(event.payload["from_id"])
    frames += notification_frames(events)
    frames += _spectra_frames(events)
    if refresh:
        tick = max((event.tick for event in events), default=0)
        if not PLACE_REFRESHER.add((location_id, tick) for location_id in refresh):  # no server: refresh now
            frames += place_update_frames(refresh, tick=tick)
    return frames


def place_update_frames(location_ids: Iterable[int], *, tick: int) -> list[Addressed]:
    """A `world_update` for each of these places (five queries for all of them)."""
    return [
        (location_group(location_id), world_update_frame(tick=tick, surroundings=surroundings))
        for location_id, surroundings in locations_surroundings(location_ids=sorted(location_ids)).items()
    ]


# Under a web server, the places players' actions touched are refreshed together every
# PLACE_REFRESH_SECONDS instead of once per action: a `world_update` is the whole place, so
# the latest supersedes the rest, and a busy place costs five queries per refresh, not per
# move. (Building surroundings was ~40% of a loaded web process's time.)
PLACE_REFRESH_SECONDS = 0.1


def _places_refresh(touched: list[tuple[int, int]]) -> None:
    """Send one `world_update` for each place touched (pairs of place id and tick)."""
    location_ids = {location_id for location_id, _ in touched}
    try:
        send_frames(place_update_frames(location_ids, tick=max(tick for _, tick in touched)))
    except Exception as error:
        _log_send_failure(error, f"refreshing places {sorted(location_ids)}")


PLACE_REFRESHER = Coalescer(_places_refresh, delay=PLACE_REFRESH_SECONDS, name="place refresh")


def broadcast_events(events: list[GameEvent]) -> None:
    try:
        send_frames(event_frames(events))
    except Exception as error:
        _log_send_failure(error, f"broadcasting events {[event.id for event in events]}")


def _log_send_failure(error: Exception, what: str) -> None:
    """An outage or a shutdown is one warning line; anything else is a bug, with its traceback."""
    FRAME_SENDS_FAILED.inc()
    if isinstance(error, ServerLoopGone | TimeoutError):
        logger.warning("%s abandoned: %s", what, error)
    elif is_outage(error):
        log_outage(error, what)
    else:
        logger.exception("%s failed", what)


# --- Sending -------------------------------------------------------------------------------


# A send that takes longer than this is abandoned (Redis unreachable, the server stopping):
# the tick has committed either way, and clients catch up through /api/events.
SEND_TIMEOUT_SECONDS = 5.0


def send_frames(frames: list[Addressed], *, close_pools: bool = False) -> None:
    """Send frames through the channel layer, all in one event-loop pass, within
    SEND_TIMEOUT_SECONDS.

    Under `manage.py serve` the frames go out on the server's loop, where the channel layer's
    consumers are (`htrae.background.call_on_server_loop`), and the send is abandoned if that
    loop stops: a tick committing as the server shuts down must not wait on a loop that will
    never run again. Elsewhere (Celery workers, tests) it runs with `async_to_sync`.

    `close_pools` is for callers with no event loop of their own (Celery workers): each
    `async_to_sync` call there runs a fresh loop, and channels-redis connection pools left
    bound to a closed loop break the next send (channels_redis #332).
    """
    layer = get_channel_layer()
    if layer is None or not frames:
        return

    async def send_all() -> None:
        try:
            async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
                messages = [(group, frame_message(frame)) for group, frame in frames]
                if hasattr(layer, "group_send_many"):  # served mode: all in two round trips
                    await layer.group_send_many(messages)
                else:
                    for group, message in messages:
                        await layer.group_send(group, message)
                for _, frame in frames:
                    FRAMES_SENT.labels(type=frame.get("type", "")).inc()
        finally:
            if close_pools and hasattr(layer, "close_pools"):
                await layer.close_pools()

    if server_loop() is not None:
        call_on_server_loop(send_all, timeout=SEND_TIMEOUT_SECONDS + 1)
    else:
        async_to_sync(send_all)()
