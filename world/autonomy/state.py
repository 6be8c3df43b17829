"""Plain data the autonomy core works on: what a character is, sees and chooses.

No ORM here: the tick loads these from the database in bulk, and the decision engine and
action executor are pure functions of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NEED_NAMES = ("social", "rest", "curiosity")


@dataclass(frozen=True)
class Intention:
    """Something a character means to do somewhere, given by another app (a quest step to
    reach a place or find someone, a remembered place that calls it back). `weight` from 0
    to 1 says how strongly it pulls; `reason` is shown in the events it leads to."""

    reason: str
    weight: float = 1.0
    location_id: int | None = None
    character_id: int | None = None
    object_id: int | None = None


@dataclass(frozen=True)
class Heading:
    """The intention a character follows this tick, resolved against the world: the next
    place on the way there (None when already there), and who or what to turn to there."""

    reason: str
    weight: float
    next_location_id: int | None = None
    next_location_name: str = ""
    partner_id: int | None = None
    object_id: int | None = None


@dataclass(frozen=True)
class Regard:
    """What a character thinks of another (from the relationships app, faded to this tick):
    affinity and trust from -1 to 1, familiarity from 0 (stranger) to 1."""

    affinity: float = 0.0
    trust: float = 0.0
    familiarity: float = 0.0


@dataclass(frozen=True)
class CharacterState:
    id: int
    name: str
    kind: str  # "npc" or "spectra"
    location_id: int
    faction_id: int | None = None
    energy: float = 100.0
    needs: dict[str, float] = field(default_factory=dict)
    personality: dict[str, float] = field(default_factory=dict)
    goals: tuple[str, ...] = ()
    mood: str = "calm"
    intentions: tuple[Intention, ...] = ()
    regard: dict[int, Regard] = field(default_factory=dict)  # character id → what it thinks of them

    def regard_of(self, other_id: int | None) -> Regard:
        return self.regard.get(other_id, STRANGER) if other_id is not None else STRANGER

    def need(self, name: str) -> float:
        return float(self.needs.get(name, 0.3))

    def trait(self, name: str) -> float:
        return float(self.personality.get(name, 0.5))


STRANGER = Regard()


@dataclass(frozen=True)
class Exit:
    location_id: int
    name: str
    travel_cost: int = 1


@dataclass(frozen=True)
class Neighbour:
    """Someone else present at the same place."""

    id: int
    name: str
    kind: str
    faction_id: int | None = None


@dataclass(frozen=True)
class ObjectSeen:
    id: int
    name: str
    kind: str = ""


@dataclass(frozen=True)
class EventSeen:
    type: str
    actor_id: int | None = None


@dataclass(frozen=True)
class Perception:
    """What one character can see this tick."""

    me: CharacterState
    location_name: str
    others_here: tuple[Neighbour, ...] = ()
    objects_here: tuple[ObjectSeen, ...] = ()
    exits: tuple[Exit, ...] = ()
    recent_events: tuple[EventSeen, ...] = ()
    hour: int = 12
    heading: Heading | None = None


@dataclass(frozen=True)
class Decision:
    """The chosen action, its target, and the scores it was chosen from (for inspection)."""

    action: str
    scores: dict[str, float]
    target_id: int | None = None
    detail: str = ""
    purpose: str = ""  # the intention that chose the target, if one did


@dataclass(frozen=True)
class ActionEvent:
    """An event an action produces, before it has a database row."""

    type: str
    location_id: int
    payload: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """The character after acting, and the events its action produced."""

    state: CharacterState
    events: tuple[ActionEvent, ...]
