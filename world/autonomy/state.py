"""Plain data the autonomy core works on: what a character is, sees and chooses.

No ORM here: the tick loads these from the database in bulk, and the decision engine and
action executor are pure functions of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NEED_NAMES = ("social", "rest", "curiosity", "purpose")


@dataclass(frozen=True)
class Intention:
    """Something a character means to do somewhere, given by another app (a quest step to
    reach a place or find someone, a remembered place that calls it back). `weight` from 0
    to 1 says how strongly it pulls; `reason` is shown in the events it leads to. An
    `avoid` intention pushes away instead: from its place (or the place of its person) when
    the character is there. A `belief` intention's reason is a belief the character holds,
    which it may voice when it talks (`conversation.compose_exchange`)."""

    reason: str
    weight: float = 1.0
    location_id: int | None = None
    character_id: int | None = None
    object_id: int | None = None
    # What to do there (world.models.CharacterGoal.Verb: visit, take, use, give, talk; or a
    # routine's activity such as sleep); "" for a plain errand (reach, find, look at).
    verb: str = ""
    goal_id: int | None = None  # the CharacterGoal it serves, if one
    avoid: bool = False
    belief: bool = False


@dataclass(frozen=True)
class Fact:
    """Something a character knows and may tell (`world.autonomy.knowledge`): news it heard, a
    deed it saw, a memory, a tale of the lore, its faction's aims. `text` is the fact told as
    a clause ("the Luminari meet at the Sunspire at dusk"); `key` names it across characters
    (one fact, many knowers). A `secret` is told only to members of `faction_id`. A
    gathering's place and time (`location_id`, `starts_tick`..`ends_tick`) draw those who know."""

    key: str
    text: str
    kind: str = "heard"  # heard, gathering, deed, memory, lore, allegiance
    subject: str = ""
    importance: float = 0.5  # 0 to 1: how much it is worth telling
    learned_tick: int = 0
    told_by: str = ""  # the name of whom it was heard from ("" when seen or always known)
    secret: bool = False
    faction_id: int | None = None
    location_id: int | None = None
    starts_tick: int | None = None
    ends_tick: int | None = None


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
    verb: str = ""
    goal_id: int | None = None

    @property
    def arrived(self) -> bool:
        return self.next_location_id is None


@dataclass(frozen=True)
class ObjectSeen:
    id: int
    name: str
    kind: str = ""
    owner_id: int | None = None  # properties.owner_id: whose it is (taking it is a deed)
    value: float = 0.0  # properties.value: how much it matters, 0 to 10
    fixed: bool = False  # properties.fixed: cannot be carried off (the Drowned Bell)
    soothing: bool = False  # properties.soothing: using it comforts
    on_use: dict[str, Any] = field(default_factory=dict, compare=False)  # resolved ids: at, target, sets, says


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
    carried: tuple[ObjectSeen, ...] = ()  # its inventory
    facts: tuple[Fact, ...] = ()  # what it knows and may tell, loaded only for those who talk

    def knows(self, key: str) -> bool:
        return any(fact.key == key for fact in self.facts)

    def carries(self, object_id: int | None) -> bool:
        return object_id is not None and any(thing.id == object_id for thing in self.carried)

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
    mood: str = "calm"  # at tick start


@dataclass(frozen=True)
class EventSeen:
    type: str
    actor_id: int | None = None
    target_id: int | None = None  # whom it was done to (listener, receiver, confronted)


@dataclass(frozen=True)
class Perception:
    """What one character can see this tick."""

    me: CharacterState
    location_name: str
    others_here: tuple[Neighbour, ...] = ()
    objects_here: tuple[ObjectSeen, ...] = ()
    held_for_me: tuple[ObjectSeen, ...] = ()  # what it came to use, in the hands of the one it sought
    exits: tuple[Exit, ...] = ()
    recent_events: tuple[EventSeen, ...] = ()
    hour: int = 12
    heading: Heading | None = None
    # What the character notices around it (world.autonomy.reactions reads these):
    nearby_activity: dict[int, int] = field(default_factory=dict)  # exit's place → recent events there
    standings: dict[int, int] = field(default_factory=dict)  # its faction's standing toward each other faction
    talked_recently: frozenset[int] = frozenset()  # whom it spoke with lately (no need to greet)
    known_elsewhere: tuple[Neighbour, ...] = ()  # people it knows best who are not here (to talk of)


@dataclass(frozen=True)
class Decision:
    """The chosen action, its target, and the scores it was chosen from (for inspection)."""

    action: str
    scores: dict[str, float]
    target_id: int | None = None
    detail: str = ""
    purpose: str = ""  # the intention (or reaction) that chose the target, if one did
    object_id: int | None = None  # the thing given (give) when the target is a person
    goal_id: int | None = None  # the goal it serves, if one


@dataclass(frozen=True)
class ActionEvent:
    """An event an action produces, before it has a database row."""

    type: str
    location_id: int
    payload: dict[str, Any]


@dataclass(frozen=True)
class ObjectMove:
    """An object changing hands or place: to a holder, or to lie at a location."""

    object_id: int
    holder_id: int | None = None
    location_id: int | None = None
    taken_from_place: bool = False  # a take: only one character can pick a thing up per tick


@dataclass(frozen=True)
class Outcome:
    """The character after acting, the events its action produced, and what it did to things."""

    state: CharacterState
    events: tuple[ActionEvent, ...]
    object_moves: tuple[ObjectMove, ...] = ()
    object_states: tuple[tuple[int, dict[str, Any]], ...] = ()  # (object id, properties to set)
