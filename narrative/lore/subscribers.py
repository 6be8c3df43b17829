"""Secrets found by going places and meeting people: when a player character arrives
somewhere (PLAYER_MOVED, PLAYER_JOINED) or turns to someone or something (PLAYER_INTERACTED),
it discovers the secret lore entries linked to that location or that character."""

from __future__ import annotations

from htrae.vocabulary import EventType
from narrative.lore.services import lore_discover_linked
from world.events import subscribe
from world.models import Character, GameEvent


@subscribe(EventType.PLAYER_MOVED, EventType.PLAYER_INTERACTED, EventType.PLAYER_JOINED)
def discover_secrets(events: list[GameEvent]) -> None:
    """At most three queries per call, whatever the number of events."""
    visits = []
    for event in events:
        if not event.actor_id or event.payload.get("actor_kind", Character.Kind.PLAYER) != Character.Kind.PLAYER:
            continue
        target = event.payload.get("target") or {}
        met_id = target.get("id") if target.get("type") == "character" else None
        visits.append((event.actor_id, event.location_id, met_id, event.tick))
    if visits:
        lore_discover_linked(visits=visits)
