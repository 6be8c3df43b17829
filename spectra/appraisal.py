"""Appraisal: which emotions an event stirs in a character (pure), in the manner of OCC.

An event is looked up in the designers' rule table by its type (and, for events that carry a
`qualifier`, by `TYPE:qualifier`, e.g. `TIME_OF_DAY_CHANGED:dawn`; `*` matches any event) and
by the character's role in it: `actor` (did it), `addressed` (was spoken or turned to, or
named in what a player said), `witness` (it happened where the character is, or everywhere).

A rule may also ask what the event means to this character (its `condition`), OCC's three
appraisals, computed here from the character's own goals, standards and likings:

- **desirability** for its goals (`goal_advanced` / `goal_threatened`): its own pursuit and
  quests, and anything the event names (a place, an object, a person) that its goals name,
  done by itself or someone it does not dislike (advanced) or by someone it dislikes
  (threatened); a quest failed threatens;
- **praiseworthiness** of the deed against its standards (`praised` / `blamed`): the sum of
  the designers' `Standard`s for the deed's event type held by its faction, and those held
  by a personality trait, weighted by how far the trait is from the middle (a low
  agreeableness turns a standard around);
- **appealingness** (`liked` / `disliked`, and the strong `loved` / `hated`): of the person
  on the other side of the event (its affinity from relationships), or of a place or object
  its goals name.

And two of the character's own state, for what means most to those it touches (the turn of the
day, above all; needs are goals too): `weary` / `rested` (how tired it is: its energy and its
need of rest) and `fulfilled` / `unfulfilled` (whether its need of purpose is met: the day's
work done or left undone). Without them nightfall brought the same relief to everyone, and a
whole town felt the turn of each day as one.

A conditioned rule's intensity is scaled by how strongly the condition holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from htrae.text import content_words, mentions
from htrae.vocabulary import EventType
from spectra.emotion import Impulse

ACTOR, ADDRESSED, WITNESS = "actor", "addressed", "witness"
ANY_EVENT = "*"

ALWAYS = ""
GOAL_ADVANCED, GOAL_THREATENED = "goal_advanced", "goal_threatened"
PRAISED, BLAMED = "praised", "blamed"
LIKED, DISLIKED, LOVED, HATED = "liked", "disliked", "loved", "hated"
WEARY, RESTED = "weary", "rested"
FULFILLED, UNFULFILLED = "fulfilled", "unfulfilled"
CONDITIONS = (
    ALWAYS,
    GOAL_ADVANCED,
    GOAL_THREATENED,
    PRAISED,
    BLAMED,
    LIKED,
    DISLIKED,
    LOVED,
    HATED,
    WEARY,
    RESTED,
    FULFILLED,
    UNFULFILLED,
)

LIKING = 0.2  # affinity from which someone is liked (or, negated, disliked)
STRONG_LIKING = 0.6  # from which liking is love (and disliking hate)
GOAL_APPEAL = 0.5  # how appealing a place or object one's goals name is
TRAITS = ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism")


@dataclass(frozen=True)
class Rule:
    event_key: str
    role: str
    applies_to: str  # "spectra", "npc" or "any"
    emotion: str
    direction: tuple[float, float, float]
    intensity: float
    condition: str = ALWAYS


@dataclass(frozen=True)
class Standard:
    """A norm: doing `event_key` is praiseworthy (praise > 0) or blameworthy (< 0) to the
    members of `faction_id`, or to those high in `trait` (and the reverse to those low)."""

    event_key: str
    praise: float
    faction_id: int | None = None
    trait: str = ""


@dataclass(frozen=True)
class Perceiver:
    id: int
    kind: str
    name: str
    location_id: int
    faction_id: int | None = None
    goals: tuple[str, ...] = ()
    personality: Mapping[str, float] = field(default_factory=dict)
    affinity: Mapping[int, float] = field(default_factory=dict)  # what it thinks of others
    energy: float = 100.0
    needs: Mapping[str, float] = field(default_factory=dict)
    # Goals its own efforts can no longer move (only a change in the world can achieve them):
    # working at one again is getting nowhere.
    stalled_goals: tuple[str, ...] = ()

    def likes(self, other_id: int | None) -> float:
        return float(self.affinity.get(other_id, 0.0)) if other_id is not None else 0.0


@dataclass(frozen=True)
class EventView:
    type: str
    actor_id: int | None
    location_id: int | None
    payload: dict[str, Any]

    # Worked out once per event, not once per character appraising it (a tick's event is
    # appraised by everyone around it): a view's payload is not changed once it is made.
    @cached_property
    def keys(self) -> tuple[str, ...]:
        qualifier = self.payload.get("qualifier")
        return (self.type, f"{self.type}:{qualifier}") if qualifier else (self.type,)

    @cached_property
    def turned_to_id(self) -> int | None:
        """Whom the deed was done to (`turned_to` of the payload)."""
        return turned_to(self.payload)

    @cached_property
    def named_things(self) -> str:
        """The names of what the event puts forward: object, place, listener, actor, quest, goal."""
        names = ("object_name", "to_name", "listener_name", "actor_name", "quest_title", "goal")
        return " ".join(str(self.payload.get(name) or "") for name in names)


class RuleBook:
    """The active rules and standards, indexed for lookup by (event key, role)."""

    def __init__(self, rules: list[Rule], standards: list[Standard] | None = None, place_names: tuple[str, ...] = ()):
        # Places' whole names, read as one token each when goals and events are matched by
        # their words (`_words`): what a name says must not change how a place is felt.
        spellings = []  # (spelling, place number): "the sunspire" and "sunspire" are one place
        for number, name in enumerate(name.lower() for name in place_names if name):
            spellings.append((name, number))
            if name.startswith("the ") and len(name) > 8:
                spellings.append((name[4:], number))
        self.place_names = tuple(sorted(spellings, key=lambda spelling: (-len(spelling[0]), spelling)))
        self.index: dict[tuple[str, str], list[Rule]] = defaultdict(list)
        for rule in rules:
            self.index[(rule.event_key, rule.role)].append(rule)
        self.event_keys = {rule.event_key for rule in rules}
        self.word_cache: dict[str, frozenset[str]] = {}
        # Each character's goals as words, and the rules for each kind of event, role and
        # perceiver: asked again for every event a character appraises.
        self.goal_word_cache: dict[tuple[str, ...], frozenset[str]] = {}
        self.rules_cache: dict[tuple[tuple[str, ...], str, str], tuple[Rule, ...]] = {}
        self.standards: dict[str, list[Standard]] = defaultdict(list)
        for standard in standards or []:
            self.standards[standard.event_key].append(standard)

    def concerns(self, event: EventView) -> bool:
        return ANY_EVENT in self.event_keys or any(key in self.event_keys for key in event.keys)

    def rules_for(self, event: EventView, role: str, kind: str) -> tuple[Rule, ...]:
        lookup = (event.keys, role, kind)
        rules = self.rules_cache.get(lookup)
        if rules is None:
            rules = self.rules_cache[lookup] = tuple(
                rule
                for key in (*event.keys, ANY_EVENT)
                for rule in self.index.get((key, role), ())
                if rule.applies_to in (kind, "any")
            )
        return rules


def _named_in(text: str, name: str) -> bool:
    """Whether `text` names this character, by its whole name or its first."""
    return bool(name) and (mentions(text, name) or mentions(text, name.split()[0]))


def turned_to(payload: Mapping[str, Any]) -> int | None:
    """Whom the deed was done to: the one spoken to (`listener_id`), the character a player
    turned to (`target`), the one confronted (`target_id`)."""
    listener = payload.get("listener_id")
    if isinstance(listener, int):
        return listener
    target = payload.get("target") if isinstance(payload.get("target"), dict) else {}
    if target.get("type") == "character" and isinstance(target.get("id"), int):
        return target["id"]
    confronted = payload.get("target_id")
    return confronted if isinstance(confronted, int) else None


def role_of(event: EventView, me: Perceiver) -> str | None:
    """The character's role in the event, the most personal one if several apply."""
    if event.actor_id == me.id:
        return ACTOR
    if event.turned_to_id == me.id:
        return ADDRESSED
    here = event.location_id is None or event.location_id == me.location_id
    if here and event.type == EventType.PLAYER_SPOKE and _named_in(str(event.payload.get("text", "")), me.name):
        return ADDRESSED
    return WITNESS if here else None


# --- The three appraisals ------------------------------------------------------------------


def other_party(event: EventView, me: Perceiver) -> int | None:
    """The person on the other side of the event from `me`: whom I did it to, or who did it."""
    if event.actor_id != me.id:
        return event.actor_id
    return event.turned_to_id


# The rule book being applied: its place names, and its cache of the words of each text (the
# same goals and names come back for every event of a tick, and for every rule of an event).
_BOOK: ContextVar[RuleBook | None] = ContextVar("rule_book", default=None)
WORD_CACHE_LIMIT = 50_000


def _words(text: str) -> frozenset[str]:
    """The words that carry meaning in `text`; a place's whole name is one word, its own (so
    "The Glass Market" matches a goal naming "The Glass Market", not one about "market
    traders", and renaming a place changes nothing a character feels)."""
    book = _BOOK.get()
    if book is None:
        return _words_among(text, ())
    words = book.word_cache.get(text)
    if words is None:
        if len(book.word_cache) >= WORD_CACHE_LIMIT:
            book.word_cache.clear()
        words = book.word_cache[text] = _words_among(text, book.place_names)
    return words


def _words_among(text: str, place_names: tuple[tuple[str, int], ...]) -> frozenset[str]:
    text = text.lower()
    places = set()
    for name, number in place_names:
        if name in text:
            text = text.replace(name, " ")
            places.add(f"place:{number}")
    return frozenset(places | content_words(text, min_length=4))


def _goal_words(me: Perceiver) -> frozenset[str]:
    """The words of the character's goals (`_words` of them all)."""
    book = _BOOK.get()
    if book is None:
        return _words(" ".join(me.goals))
    words = book.goal_word_cache.get(me.goals)
    if words is None:
        if len(book.goal_word_cache) >= WORD_CACHE_LIMIT:
            book.goal_word_cache.clear()
        words = book.goal_word_cache[me.goals] = _words(" ".join(me.goals))
    return words


STALLED_PURSUIT = 0.4  # how much working at a goal that effort no longer moves thwarts it
TIRED_ENERGY = 25.0  # below this, anything but rest wears a character down
LONELY = 0.8  # a social need from which anything but company is lonely


def strain(event: EventView, me: Perceiver) -> float:
    """How much its own deed leaves an urgent need unmet (0..1): working on while exhausted,
    keeping to oneself while lonely. Needs are goals too (OCC): going without is undesirable."""
    if event.actor_id != me.id:
        return 0.0
    tired = 0.0 if event.type.endswith("_RESTED") else max(0.0, (TIRED_ENERGY - me.energy) / TIRED_ENERGY)
    social = float(me.needs.get("social", 0.0))
    lonely = 0.0 if event.type.endswith("_TALKED") else max(0.0, (social - LONELY) / (1.0 - LONELY))
    return min(1.0, max(tired, lonely))


def desirability(event: EventView, me: Perceiver) -> float:
    """How far the event advances (> 0) or threatens (< 0) the character's goals, -1..1."""
    return max(-1.0, min(1.0, _goal_desirability(event, me) - strain(event, me)))


def _goal_desirability(event: EventView, me: Perceiver) -> float:
    mine = event.actor_id == me.id
    if event.type in (EventType.QUEST_FAILED, EventType.GOAL_FAILED) and mine:
        return -1.0
    if event.type in (EventType.QUEST_COMPLETED, EventType.GOAL_ACHIEVED) and mine:
        return 1.0
    if mine and event.type.endswith("_PURSUED_GOAL"):
        if event.payload.get("goal") in me.stalled_goals:
            return -STALLED_PURSUIT  # the same effort again, and the goal no nearer
        return 0.3  # a step, not the goal
    if not _goal_words(me) & _words(event.named_things):
        return 0.0
    liking = 1.0 if mine else me.likes(event.actor_id)
    if liking <= -LIKING:
        return -0.6
    return 0.5


def praiseworthiness(event: EventView, me: Perceiver, standards: Mapping[str, list[Standard]]) -> float:
    """The deed judged by the character's standards (its faction's and its personality's), -1..1."""
    total = 0.0
    for key in (*event.keys, ANY_EVENT):
        for standard in standards.get(key, ()):
            if standard.faction_id is not None and standard.faction_id == me.faction_id:
                total += standard.praise
            elif standard.trait:
                leaning = 2.0 * float(me.personality.get(standard.trait, 0.5)) - 1.0
                total += standard.praise * leaning
    return max(-1.0, min(1.0, total))


def appealingness(event: EventView, me: Perceiver) -> float:
    """How much the character likes what the event puts before it, -1..1: the person on the
    other side, else a place or object its goals name."""
    other = other_party(event, me)
    if other is not None:
        return me.likes(other)
    thing = " ".join(str(event.payload.get(name) or "") for name in ("object_name", "to_name"))
    return GOAL_APPEAL if _words(thing) & _goal_words(me) else 0.0


# Tiredness (0..1: the larger of the energy spent and the need of rest) from which a character
# is weary; below it, the more rested the fresher. Purpose need (0..1) above which the day's
# work is felt undone, below it done.
WEARY_FROM = 0.25
UNFULFILLED_FROM = 0.5


def tiredness(me: Perceiver) -> float:
    """How tired the character is, 0 (fresh) .. 1 (spent)."""
    spent = 1.0 - max(0.0, min(100.0, me.energy)) / 100.0
    return max(spent, float(me.needs.get("rest", 0.0)))


def _own_state_strength(condition: str, me: Perceiver) -> float:
    """How strongly one of the conditions of the character's own state holds, 0..1."""
    if condition in (WEARY, RESTED):
        tired = tiredness(me)
        if condition == WEARY:
            return min(1.0, max(0.0, (tired - WEARY_FROM) / (1.0 - WEARY_FROM) * 2.0))
        return max(0.0, (WEARY_FROM - tired) / WEARY_FROM)
    purpose = float(me.needs.get("purpose", 0.0))
    if condition == UNFULFILLED:
        return max(0.0, (purpose - UNFULFILLED_FROM) / (1.0 - UNFULFILLED_FROM))
    return max(0.0, (UNFULFILLED_FROM - purpose) / UNFULFILLED_FROM)


def condition_strength(condition: str, event: EventView, me: Perceiver, rules: RuleBook) -> float:
    """How strongly `condition` holds for `me` (0: not at all), 0..1."""
    if condition == ALWAYS:
        return 1.0
    if condition in (WEARY, RESTED, FULFILLED, UNFULFILLED):
        return _own_state_strength(condition, me)
    if condition in (GOAL_ADVANCED, GOAL_THREATENED):
        value = desirability(event, me)
        return max(0.0, value if condition == GOAL_ADVANCED else -value)
    if condition in (PRAISED, BLAMED):
        value = praiseworthiness(event, me, rules.standards)
        return max(0.0, value if condition == PRAISED else -value)
    value = appealingness(event, me)
    if condition in (DISLIKED, HATED):
        value = -value
    floor = STRONG_LIKING if condition in (LOVED, HATED) else LIKING
    return min(1.0, value) if value >= floor else 0.0


def appraise(event: EventView, me: Perceiver, rules: RuleBook) -> list[Impulse]:
    """The emotions `event` stirs in `me`."""
    return appraise_all([event], me, rules)


def appraise_all(events: list[EventView], me: Perceiver, rules: RuleBook) -> list[Impulse]:
    """The emotions each of `events` stirs in `me`, event by event (the rule book is set once
    for them all: a tick at 10,000 NPCs appraises some 200,000 events)."""
    impulses: list[Impulse] = []
    book = _BOOK.set(rules)
    try:
        for event in events:
            role = role_of(event, me)
            if role is not None:
                impulses += _appraise(event, me, rules, role)
    finally:
        _BOOK.reset(book)
    return impulses


def _appraise(event: EventView, me: Perceiver, rules: RuleBook, role: str) -> list[Impulse]:
    impulses = []
    strengths: dict[str, float] = {}  # each condition judged once per event, whatever the rules
    for rule in rules.rules_for(event, role, me.kind):
        strength = strengths.get(rule.condition)
        if strength is None:
            strength = strengths[rule.condition] = condition_strength(rule.condition, event, me, rules)
        if strength > 0:
            impulses.append(
                Impulse(
                    emotion=rule.emotion,
                    direction=rule.direction,
                    intensity=round(rule.intensity * strength, 4),
                    cause=event.type,
                )
            )
    return impulses
