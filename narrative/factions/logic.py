"""How factions' status and power move with how the others regard them: pure functions over
plain facts, no ORM. What members do to each other (incidents) is
`narrative.factions.incidents`. `narrative.factions.services` loads the facts and writes the
results; `narrative.factions.subscribers.factions_tick` runs both every tick.

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

from collections.abc import Mapping
from dataclasses import dataclass

from narrative.factions.relations import Stance, stance_for, stance_held

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
