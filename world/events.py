"""The event bus: how anything that happens in the world is recorded and passed on.

`publish_many()` (and `publish()` for one) does three things, in order:

1. writes the GameEvent rows in the current transaction (the outbox: a rolled-back tick
   leaves no events behind);
2. hands them, grouped by type, to the in-process subscribers registered with `subscribe()`
   (other apps react here: narrative stores speech in conversations, and later the memory
   cortex and resonance engine), inside the same transaction;
3. after commit, lets `world.broadcast` turn them into WebSocket frames, unless the caller
   (the tick) broadcasts its own aggregated frames.

Subscribers take a list of events and are called once per publish with every event they
subscribed to, so a tick batch costs them a constant number of queries.
Event type names are the blueprint's, upper snake case (see `EventType`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from htrae.bulk import bulk_create
from world import sql
from world.broadcast import broadcast_events
from world.models import GameEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventDraft:
    """An event about to be published."""

    type: str
    payload: dict[str, Any] = field(default_factory=dict)
    tick: int = 0
    location_id: int | None = None
    actor_id: int | None = None


Subscriber = Callable[[list[GameEvent]], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)
ANY_EVENT = "*"
_collector: ContextVar[list[GameEvent] | None] = ContextVar("event_collector", default=None)
_deferred: ContextVar[list[GameEvent] | None] = ContextVar("deferred_events", default=None)


def subscribe(*event_types: str) -> Callable[[Subscriber], Subscriber]:
    """Register a function to receive the events of these types (ANY_EVENT: all), in
    batches, in-transaction."""

    def register(handler: Subscriber) -> Subscriber:
        for event_type in event_types:
            if handler not in _subscribers[event_type]:
                _subscribers[event_type].append(handler)
        return handler

    return register


def publish(
    type: str,
    payload: dict[str, Any] | None = None,
    *,
    tick: int = 0,
    location_id: int | None = None,
    actor_id: int | None = None,
    broadcast: bool = True,
) -> GameEvent:
    """Publish one event (see the module docstring)."""
    draft = EventDraft(type=type, payload=payload or {}, tick=tick, location_id=location_id, actor_id=actor_id)
    return publish_many([draft], broadcast=broadcast)[0]


def publish_many(drafts: Iterable[EventDraft], *, broadcast: bool = True) -> list[GameEvent]:
    """Write, dispatch and (after commit) broadcast many events in a constant number of queries."""
    drafts = list(drafts)
    # One event (a player's action) in SQL of its own; many (a tick's) in one binary INSERT.
    events = [_event_insert(drafts[0])] if len(drafts) == 1 else bulk_create([_event_of(d) for d in drafts])
    if not events:
        return events
    collected = _collector.get()
    if collected is not None:
        collected.extend(events)
    if broadcast and collected is None:  # a collector's owner (the tick) broadcasts its own
        # Registered before the subscribers run, so these frames go out before anything
        # the subscribers schedule after commit (an answer to what a player said).
        transaction.on_commit(lambda: broadcast_events(events))
    deferred = _deferred.get()
    if deferred is not None:
        deferred.extend(events)
    else:
        dispatch(events)
    return events


def _event_of(draft: EventDraft) -> GameEvent:
    return GameEvent(
        type=draft.type,
        payload=draft.payload,
        tick=draft.tick,
        location_id=draft.location_id,
        actor_id=draft.actor_id,
    )


def _event_insert(draft: EventDraft) -> GameEvent:
    """One event's row, as `bulk_create` would write it, in SQL of its own (world.sql): every
    player action publishes one, and building the ORM's insert was a quarter of its cost."""
    event = _event_of(draft)
    event.timestamp = timezone.now()  # what `auto_now_add` would set on save
    event.id = sql.insert(
        GameEvent,
        {name: getattr(event, name) for name in ("type", "payload", "timestamp", "tick", "location_id", "actor_id")},
    )
    event._state.adding, event._state.db = False, connection.alias
    return event


def dispatch(events: list[GameEvent]) -> None:
    """Call each subscriber once with all the events it asked for, in publishing order."""
    by_handler: dict[Subscriber, list[GameEvent]] = {}
    for event in events:
        for handler in (*_subscribers.get(event.type, ()), *_subscribers.get(ANY_EVENT, ())):
            by_handler.setdefault(handler, []).append(event)
    for handler, batch in by_handler.items():
        handler(batch)


@contextmanager
def _gathering(into: ContextVar[list[GameEvent] | None]) -> Iterator[list[GameEvent]]:
    gathered: list[GameEvent] = []
    token = into.set(gathered)
    try:
        yield gathered
    finally:
        into.reset(token)


def collecting():
    """Gather every event published inside the block, subscribers' events included (the tick
    broadcasts them together after commit)."""
    return _gathering(_collector)


def deferring():
    """Write the events published inside the block but call no subscriber: the caller hands
    the gathered events to `dispatch` later, in a transaction of its own (a player's action
    does, after commit: world.services.event_consequences_apply)."""
    return _gathering(_deferred)


def is_collecting() -> bool:
    """True inside `collecting()`, i.e. during a tick."""
    return _collector.get() is not None
