"""How factions' relations, status and power move with what their members do: pure
functions over plain facts, no ORM. `narrative.factions.services` loads the facts and writes the
results; `narrative.factions.subscribers.factions_tick` runs both every tick.

**Incidents.** Each tick, what members of one faction did to or before members of another
becomes *incidents*, each a short-lived opinion modifier (see `narrative.factions.relations`):

| incident  | when                                                 | who warms or cools, toward whom | per deed | cap |
| --------- | ---------------------------------------------------- | ------------------------------- | -------- | --- |
| gift      | a member makes something (NPC_/SPECTRA_CREATED)      | each faction present, toward    | +2       | +4  |
|           | where members of other factions are                  | the maker's                     |          |     |
| kind word | a member speaks to a member of another faction       | the listener's, toward the      | +2       | +6  |
|           | (NPC_/SPECTRA_TALKED with `listener_id`) in a warm   | speaker's                       |          |     |
|           | mood (joy, wonder, warmth)                           |                                 |          |     |
| clash     | the same in a heated mood (intensity, unease), when  | both, toward each other         | -4       | -12 |
|           | the speaker's faction already regards the listener's |                                 |          |     |
|           | as neutral or worse                                  |                                 |          |     |

(The cap is per tick.) The mood is the one the speaker spoke in (the tick-start mood). A
calm, curious or melancholy word moves nothing (most talk is small talk); nor do heated words
between friends. "Present" is who stands at the place as the tick ends.

All deeds of one kind between one directed pair in a tick add up into a single modifier
(capped as above) lasting `INCIDENT_DURATION_TICKS` (60) and losing `INCIDENT_DECAY` (3 %) of
its value per tick (a half-life of about 23 ticks), so a relation remembers the last day or two
of deeds rather than all of them. Everyday deeds reach only so far: they add nothing that would carry a
standing more than `INCIDENT_SWING` (30) points from its designer-set base (enough to make neutral
factions friendly or wary, not to make allies of enemies: that is for designers and quests),
so a busy world's relations settle instead of running to the ends of the scale.

**Reviews.** Every `FACTION_REVIEW_EVERY_TICKS` (20), each faction is reviewed from how the others
regard it: `regard` (their average current standing toward it) and `shift` (how far that
average has moved from the designers' base standings, i.e. what the modifiers add), and the
quests completed for it within the last `QUEST_WINDOW_TICKS` (120), each measured against the
average faction's, so a world that warms as a whole (or completes many quests) lifts no one
above the rest:

    momentum = (shift - average shift)
             + QUEST_MOMENTUM * (quests - average quests), the latter within ±MAX_QUEST_MOMENTUM
             + pull

`pull` is power's negative feedback: a faction more than POWER_FREE_BAND (15) points from the
middle (50) is pulled back by POWER_PULL (half) of the excess, rounded: the strong overextend
(at 100: -18, so they slip unless their momentum is strong), the weak recover (at 0: +18). A
faction at OVEREXTENDED_POWER (75) or more also draws rivals: at each review every other
faction grows warier of it (`RIVAL_WARINESS`, a fading modifier), which lowers the regard its
momentum is measured by. So no faction sits at 0 or 100 for long.

| momentum                | power          | status                                                            |
| ----------------------- | -------------- | ----------------------------------------------------------------- |
| ≥ +MOMENTUM_THRESHOLD   | +POWER_STEP    | thriving if power ≥ THRIVING_POWER and regard ≥ 0, else rising     |
| ≤ -MOMENTUM_THRESHOLD   | -POWER_STEP    | scattered if power ≤ SCATTERED_POWER, embattled if regard ≤        |
|                         |                | EMBATTLED_REGARD, else declining                                  |
| in between              | unchanged      | unchanged: the designers' (or the last review's) word stands      |

(QUEST_MOMENTUM 5, MAX_QUEST_MOMENTUM 20, MOMENTUM_THRESHOLD 10, POWER_STEP 1, THRIVING_POWER
70, SCATTERED_POWER 15, EMBATTLED_REGARD -40.)

A review also tells of stances that moved without a deed, as modifiers faded: where the
stance last told (or, never told, the base's) no longer holds (`relations.stance_held`: the
standing has left its band by more than the margin).

Everything here is deterministic and independent of the order of the events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from htrae.vocabulary import EventType, Mood
from narrative.factions.relations import Stance, stance_for, stance_held
from world.autonomy.conversation import follows_in_exchange

# --- Incidents: the table in the module docstring ----------------------------------------------

GIFT = "gift"
KIND_WORD = "kind_word"
CLASH = "clash"
INCIDENT_KINDS = (GIFT, KIND_WORD, CLASH)  # also the order they are applied in within a tick

INCIDENT_VALUE = {GIFT: 2, KIND_WORD: 2, CLASH: -4}
INCIDENT_CAP = {GIFT: 4, KIND_WORD: 6, CLASH: -12}
INCIDENT_LABEL = {GIFT: ("a gift", "gifts"), KIND_WORD: ("a kind word", "kind words"), CLASH: ("a clash", "clashes")}
INCIDENT_DURATION_TICKS = 60
INCIDENT_DECAY = 0.03
INCIDENT_SWING = 30

WARM_MOODS = Mood.WARM
HEATED_MOODS = Mood.HEATED
# The speaker's faction must already regard the listener's as one of these for heated words to clash.
CLASH_STANCES = frozenset({Stance.NEUTRAL, Stance.WARY, Stance.HOSTILE, Stance.AT_WAR})


# --- Reviews: the second table in the module docstring ------------------------------------------

FACTION_REVIEW_EVERY_TICKS = 20
QUEST_WINDOW_TICKS = 120  # "recently"
QUEST_MOMENTUM = 5
MAX_QUEST_MOMENTUM = 20
MOMENTUM_THRESHOLD = 10
POWER_STEP = 1
POWER_MIN, POWER_MAX = 0, 100
THRIVING_POWER = 70
SCATTERED_POWER = 15
EMBATTLED_REGARD = -40
POWER_MIDDLE = 50
POWER_FREE_BAND = 15
POWER_PULL = 0.5
OVEREXTENDED_POWER = 75
RIVAL_WARINESS = -6  # how much warier every other faction grows of an overextended one, per review
RIVAL_WARINESS_DURATION_TICKS = 120
RIVAL_WARINESS_DECAY = 0.02


class Status:
    """Faction statuses (the values of `Faction.Status`)."""

    THRIVING = "thriving"
    STABLE = "stable"
    RISING = "rising"
    DECLINING = "declining"
    EMBATTLED = "embattled"
    SCATTERED = "scattered"


# --- Incidents -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deed:
    """Something a character did this tick that other factions may take to heart."""

    kind: str  # "talk" or "create"
    actor_id: int
    location_id: int | None
    listener_id: int | None = None


@dataclass(frozen=True)
class Incident:
    """The tick's deeds of one kind, summed: how `faction_id` regards `other_id` moves by `value`."""

    faction_id: int
    other_id: int
    kind: str
    value: int
    deeds: int
    reason: str


def deed_from_event(*, type: str, actor_id: int | None, location_id: int | None, payload: Mapping) -> Deed | None:
    """The deed an event records, if it is one that can move relations."""
    if actor_id is None:
        return None
    if type in EventType.TALK:
        if follows_in_exchange(payload):  # an exchange is one kind word (or one quarrel), not six
            return None
        listener_id = payload.get("listener_id")
        if not isinstance(listener_id, int) or listener_id == actor_id:
            return None
        return Deed(kind="talk", actor_id=actor_id, location_id=location_id, listener_id=listener_id)
    if type in EventType.CREATIONS and location_id is not None:
        return Deed(kind="create", actor_id=actor_id, location_id=location_id)
    return None


def faction_incidents(
    *,
    deeds: Iterable[Deed],
    factions: Mapping[int, int | None],
    moods: Mapping[int, str],
    present: Mapping[int, Iterable[int]],
    standings: Mapping[tuple[int, int], int],
    bases: Mapping[tuple[int, int], int],
    place_names: Mapping[int, str],
) -> list[Incident]:
    """The tick's incidents (see the module docstring).

    `factions`: character id → faction id (None: none); `moods`: character id → the mood it
    acted in; `present`: location id → the factions with members there; `standings`:
    (faction, other) → current standing and `bases`: → the designers' base standing (a
    missing pair is a neutral 0); `place_names`: location id → name, for the reasons.
    """
    totals: dict[tuple[int, int, str], int] = defaultdict(int)
    counts: dict[tuple[int, int, str], int] = defaultdict(int)
    places: dict[tuple[int, int, str], set[str]] = defaultdict(set)

    def note(faction_id: int, other_id: int, kind: str, location_id: int | None) -> None:
        key = (faction_id, other_id, kind)
        totals[key] += INCIDENT_VALUE[kind]
        counts[key] += 1
        if location_id is not None and location_id in place_names:
            places[key].add(place_names[location_id])

    for deed in deeds:
        mine = factions.get(deed.actor_id)
        if mine is None:
            continue
        if deed.kind == "create":
            for theirs in set(present.get(deed.location_id, ())) - {mine}:
                note(theirs, mine, GIFT, deed.location_id)
            continue
        theirs = factions.get(deed.listener_id)
        if theirs is None or theirs == mine:
            continue
        mood = moods.get(deed.actor_id)
        if mood in WARM_MOODS:
            note(theirs, mine, KIND_WORD, deed.location_id)
        elif mood in HEATED_MOODS and stance_for(standings.get((mine, theirs), 0)) in CLASH_STANCES:
            note(theirs, mine, CLASH, deed.location_id)
            note(mine, theirs, CLASH, deed.location_id)

    incidents: list[Incident] = []
    running = dict(standings)  # each kind applied in turn, so together they respect the swing too
    for faction_id, other_id, kind in sorted(totals, key=lambda k: (k[0], k[1], INCIDENT_KINDS.index(k[2]))):
        key = (faction_id, other_id, kind)
        standing = running.get((faction_id, other_id), 0)
        base = bases.get((faction_id, other_id), 0)
        value = _within_swing(_capped(totals[key], INCIDENT_CAP[kind]), standing=standing, base=base)
        if value == 0:
            continue
        running[(faction_id, other_id)] = standing + value
        reason = incident_reason(kind=kind, deeds=counts[key], places=places[key])
        incidents.append(Incident(faction_id, other_id, kind, value, counts[key], reason))
    return incidents


def _capped(value: int, cap: int) -> int:
    return max(cap, value) if cap < 0 else min(cap, value)


def _within_swing(value: int, *, standing: int, base: int) -> int:
    """As much of `value` as keeps the standing within INCIDENT_SWING of its base (never
    reverses it: a standing already beyond gets nothing more that way)."""
    if value > 0:
        return max(0, min(value, base + INCIDENT_SWING - standing))
    return min(0, max(value, base - INCIDENT_SWING - standing))


def incident_reason(*, kind: str, deeds: int, places: Iterable[str]) -> str:
    """'a clash at the Glass Market', 'kind words at Mossgate and 2 other places'."""
    singular, plural = INCIDENT_LABEL[kind]
    label = singular if deeds == 1 else plural
    names = sorted(places)
    if not names:
        return label
    if len(names) == 1:
        return f"{label} at {names[0]}"
    others = len(names) - 1
    return f"{label} at {names[0]} and {others} other place{'s' if others > 1 else ''}"


# --- Reviews -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactionFacts:
    """What a review of one faction looks at."""

    status: str
    power: int
    regard: int  # others' average current standing toward it
    shift: int  # how far that average stands from the designers' base standings
    quests_completed: int  # for it, within the last QUEST_WINDOW_TICKS


@dataclass(frozen=True)
class Review:
    status: str
    power: int
    momentum: int
    reason: str


def average_regard(
    *, toward: int, bases: Mapping[tuple[int, int], int], current: Mapping[tuple[int, int], int]
) -> tuple[int, int]:
    """(regard, shift) of the faction `toward`: the average of the current standings others
    hold toward it, and of how far each stands from its base (both 0 if none regard it)."""
    pairs = sorted(pair for pair in current if pair[1] == toward and pair[0] != toward)
    if not pairs:
        return 0, 0
    regard = sum(current[pair] for pair in pairs) / len(pairs)
    shift = sum(current[pair] - bases.get(pair, 0) for pair in pairs) / len(pairs)
    return round(regard), round(shift)


def faction_reviews(factions: Mapping[int, FactionFacts]) -> dict[int, Review]:
    """Every faction's review, each measured against the average faction (see the module
    docstring)."""
    if not factions:
        return {}
    mean_shift = sum(f.shift for f in factions.values()) / len(factions)
    mean_quests = sum(f.quests_completed for f in factions.values()) / len(factions)
    return {
        faction_id: faction_review(facts, mean_shift=mean_shift, mean_quests=mean_quests)
        for faction_id, facts in factions.items()
    }


def faction_review(facts: FactionFacts, *, mean_shift: float = 0.0, mean_quests: float = 0.0) -> Review:
    """One faction's status and power after a review, given the average faction's shift and
    quests completed."""
    shift = round(facts.shift - mean_shift)
    quests = round(QUEST_MOMENTUM * (facts.quests_completed - mean_quests))
    quests = max(-MAX_QUEST_MOMENTUM, min(MAX_QUEST_MOMENTUM, quests))
    pull = power_pull(facts.power)
    momentum = shift + quests + pull
    power, status = facts.power, facts.status
    if momentum >= MOMENTUM_THRESHOLD:
        power = min(POWER_MAX, power + POWER_STEP)
        status = Status.THRIVING if power >= THRIVING_POWER and facts.regard >= 0 else Status.RISING
    elif momentum <= -MOMENTUM_THRESHOLD:
        power = max(POWER_MIN, power - POWER_STEP)
        if power <= SCATTERED_POWER:
            status = Status.SCATTERED
        elif facts.regard <= EMBATTLED_REGARD:
            status = Status.EMBATTLED
        else:
            status = Status.DECLINING
    reason = review_reason(shift=shift, quests=quests, pull=pull)
    return Review(status=status, power=power, momentum=momentum, reason=reason)


def power_pull(power: int) -> int:
    """Power's negative feedback (see the module docstring): 0 near the middle, toward it
    beyond POWER_FREE_BAND."""
    excess = power - POWER_MIDDLE
    if abs(excess) <= POWER_FREE_BAND:
        return 0
    beyond = excess - POWER_FREE_BAND if excess > 0 else excess + POWER_FREE_BAND
    return -round(beyond * POWER_PULL)


def overextended(power: int) -> bool:
    """Strong enough to draw rivals (see the module docstring)."""
    return power >= OVEREXTENDED_POWER


def review_reason(*, shift: int, quests: int, pull: int = 0) -> str:
    """Why, from the parts of the momentum that point its way: 'others' regard for them has
    grown 12 points more than for most', '... fallen 12 points behind most', 'more (fewer)
    quests were completed for them than for most', both, or 'little has changed'."""
    momentum = shift + quests + pull
    parts = []
    if shift > 0 and momentum > 0:
        parts.append(f"others' regard for them has grown {shift} points more than for most")
    elif shift < 0 and momentum < 0:
        parts.append(f"others' regard for them has fallen {-shift} points behind most")
    if quests > 0 and momentum > 0:
        parts.append("more quests were completed for them than for most")
    elif quests < 0 and momentum < 0:
        parts.append("fewer quests were completed for them than for most")
    if pull < 0 and momentum < 0:
        parts.append("they have overreached")
    elif pull > 0 and momentum > 0:
        parts.append("they gather their strength again")
    return " and ".join(parts) or "little has changed"


@dataclass(frozen=True)
class StanceDrift:
    """How `faction_id` regards `other_id` is now `stance`, no longer the `told` one."""

    faction_id: int
    other_id: int
    told: str
    stance: str
    reason: str


def stance_drifts(
    *, standings: Mapping[tuple[int, int], tuple[int, int]], told: Mapping[tuple[int, int], str]
) -> list[StanceDrift]:
    """The relations whose stance has moved away from the one last told, unannounced.
    `standings`: (faction, other) → (base, current standing); `told`: → the stance last told
    (missing: never told, so the base's stance is what people know)."""
    drifts = []
    for pair in sorted(standings):
        base, current = standings[pair]
        last = told.get(pair) or stance_for(base)
        stance = stance_held(current, last)
        if stance == last:
            continue
        warmer = Stance.ALL.index(stance) < Stance.ALL.index(last) if last in Stance.ALL else current > base
        reason = "old grievances fade" if warmer else "goodwill fades"
        drifts.append(StanceDrift(pair[0], pair[1], last, stance, reason))
    return drifts


def standing_label(standing: int) -> str:
    """'+12', or '-34' written with a true minus sign (U+2212), for people to read."""
    return f"{standing:+d}".replace("-", "\u2212")


def stance_label(stance: str) -> str:
    return stance.replace("_", " ")
