"""Faction news in players' `notification` frames, to everyone: `faction_notifications_register`
(called from `narrative.apps`) registers them with `world.broadcast.register_notification`.

| event                    | e.g.                                                                  |
| ------------------------ | --------------------------------------------------------------------- |
| FACTION_RELATION_CHANGED | The Luminari now regard the Verdant Accord as wary (-34): a clash at  |
|                          | the Glass Market.                                                     |
| FACTION_STATUS_CHANGED   | The Thornwake are now declining (power 29): regard for them has       |
|                          | fallen by 12.                                                         |

Standings are written with a true minus sign.
"""

from __future__ import annotations

from htrae.vocabulary import EventType
from narrative.factions.logic import stance_label, standing_label
from world.broadcast import register_notification
from world.models import GameEvent


def _mid_sentence(name: str) -> str:
    """'The Verdant Accord' → 'the Verdant Accord' (for the middle of a sentence)."""
    return "the " + name[4:] if name.startswith("The ") else name


def relation_changed_message(event: GameEvent) -> str:
    payload = event.payload
    line = (
        f"{payload.get('faction_name', 'A faction')} now regard "
        f"{_mid_sentence(payload.get('other_name', 'another'))} as {stance_label(payload.get('stance', 'neutral'))} "
        f"({standing_label(payload.get('standing', 0))})"
    )
    reason = payload.get("reason")
    return f"{line}: {reason}." if reason else f"{line}."


def status_changed_message(event: GameEvent) -> str:
    payload = event.payload
    line = f"{payload.get('faction_name', 'A faction')} are now {payload.get('status', 'changed')}"
    if payload.get("power") is not None:
        line += f" (power {payload['power']})"
    reason = payload.get("reason")
    return f"{line}: {reason}." if reason else f"{line}."


def faction_notifications_register() -> None:
    register_notification(EventType.FACTION_RELATION_CHANGED, relation_changed_message)
    register_notification(EventType.FACTION_STATUS_CHANGED, status_changed_message)
