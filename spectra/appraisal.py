"""Appraisal: which emotions an event stirs in a character (pure).

An event is looked up in the designers' rule table by its type (and, for events that carry a
`qualifier`, by `TYPE:qualifier`, e.g. `TIME_OF_DAY_CHANGED:dawn`) and by the character's
role in it: `actor` (did it), `addressed` (was spoken or turned to, or named in what a
player said), `witness` (it happened where the character is, or everywhere).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from spectra.emotion import Impulse

ACTOR, ADDRESSED, WITNESS = "actor", "addressed", "witness"


@dataclass(frozen=True)
class Rule:
    event_key: str
    role: str
    applies_to: str  # "spectra", "npc" or "any"
    emotion: str
    direction: tuple[float, float, float]
    intensity: float


@dataclass(frozen=True)
class Perceiver:
    id: int
    kind: str
    name: str
    location_id: int


@dataclass(frozen=True)
class EventView:
    type: str
    actor_id: int | None
    location_id: int | None
    payload: dict[str, Any]

    @property
    def keys(self) -> tuple[str, ...]:
        qualifier = self.payload.get("qualifier")
        return (self.type, f"{self.type}:{qualifier}") if qualifier else (self.type,)


class RuleBook:
    """The active rules, indexed for lookup by (event key, role)."""

    def __init__(self, rules: list[Rule]):
        self.index: dict[tuple[str, str], list[Rule]] = defaultdict(list)
        for rule in rules:
            self.index[(rule.event_key, rule.role)].append(rule)
        self.event_keys = {rule.event_key for rule in rules}

    def concerns(self, event: EventView) -> bool:
        return any(key in self.event_keys for key in event.keys)

    def rules_for(self, event: EventView, role: str, kind: str) -> list[Rule]:
        return [
            rule for key in event.keys for rule in self.index.get((key, role), ()) if rule.applies_to in (kind, "any")
        ]


def _named_in(text: str, name: str) -> bool:
    names = {name, name.split()[0]} if name else set()
    return any(re.search(rf"\b{re.escape(part)}\b", text, re.IGNORECASE) for part in names if len(part) >= 3)


def role_of(event: EventView, me: Perceiver) -> str | None:
    """The character's role in the event, the most personal one if several apply."""
    if event.actor_id == me.id:
        return ACTOR
    payload = event.payload
    target = payload.get("target") if isinstance(payload.get("target"), dict) else {}
    if payload.get("listener_id") == me.id or (target.get("type") == "character" and target.get("id") == me.id):
        return ADDRESSED
    here = event.location_id is None or event.location_id == me.location_id
    if here and event.type == "PLAYER_SPOKE" and _named_in(str(payload.get("text", "")), me.name):
        return ADDRESSED
    return WITNESS if here else None


def appraise(event: EventView, me: Perceiver, rules: RuleBook) -> list[Impulse]:
    """The emotions `event` stirs in `me`."""
    role = role_of(event, me)
    if role is None:
        return []
    return [
        Impulse(emotion=rule.emotion, direction=rule.direction, intensity=rule.intensity, cause=event.type)
        for rule in rules.rules_for(event, role, me.kind)
    ]
