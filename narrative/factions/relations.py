"""How factions regard each other right now: pure functions, no ORM.

A relation's current standing is the designer's base (`FactionRelation.standing`) plus the
current value of every active opinion modifier, clamped to -100..100.

A modifier decays exponentially: after `elapsed` ticks it is worth
`value * (1 - decay) ** elapsed`, rounded toward zero (so a small modifier fades out for good),
and it is gone once `duration_ticks` have passed (`None`: it never expires). A modifier
started in the future (a clock set back) counts at full value.

Stances, from the current standing (thresholds are inclusive on the upper side):

| standing     | stance   |
| ------------ | -------- |
| 75..100      | allied   |
| 30..74       | friendly |
| -29..29      | neutral  |
| -59..-30     | wary     |
| -89..-60     | hostile  |
| -100..-90    | at_war   |

A stance people were told of (FACTION_RELATION_CHANGED) is news again only once the standing
has left its band by more than `STANCE_MARGIN` points (`stance_held`), so a standing wavering
at a threshold is not announced every tick.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

STANDING_MIN, STANDING_MAX = -100, 100


class Stance:
    ALLIED = "allied"
    FRIENDLY = "friendly"
    NEUTRAL = "neutral"
    WARY = "wary"
    HOSTILE = "hostile"
    AT_WAR = "at_war"

    ALL = (ALLIED, FRIENDLY, NEUTRAL, WARY, HOSTILE, AT_WAR)


# (lowest standing of the stance, stance), highest first; below every floor: at war.
STANCE_FLOORS: tuple[tuple[int, str], ...] = (
    (75, Stance.ALLIED),
    (30, Stance.FRIENDLY),
    (-29, Stance.NEUTRAL),
    (-59, Stance.WARY),
    (-89, Stance.HOSTILE),
)


@dataclass(frozen=True)
class Modifier:
    """The facts of a RelationModifier the arithmetic needs."""

    value: int
    started_tick: int
    duration_ticks: int | None = None
    decay: float = 0.0


def modifier_is_active(*, modifier: Modifier, tick: int) -> bool:
    """False once its duration has run out."""
    if modifier.duration_ticks is None:
        return True
    return tick < modifier.started_tick + modifier.duration_ticks


def modifier_value(*, modifier: Modifier, tick: int) -> int:
    """What the modifier adds at `tick` (0 once expired)."""
    if not modifier_is_active(modifier=modifier, tick=tick):
        return 0
    elapsed = max(0, tick - modifier.started_tick)
    decay = min(1.0, max(0.0, modifier.decay))
    if decay == 0.0 or elapsed == 0:
        return modifier.value
    current = modifier.value * (1.0 - decay) ** elapsed
    return math.trunc(current)


def clamp_standing(value: int) -> int:
    return max(STANDING_MIN, min(STANDING_MAX, value))


def current_standing(*, base: int, modifiers: Iterable[Modifier], tick: int) -> int:
    """The base standing plus the active modifiers' current values, clamped to -100..100."""
    return clamp_standing(base + sum(modifier_value(modifier=m, tick=tick) for m in modifiers))


def stance_for(standing: int) -> str:
    """The stance a standing means (see the module docstring's table)."""
    for floor, stance in STANCE_FLOORS:
        if standing >= floor:
            return stance
    return Stance.AT_WAR


STANCE_MARGIN = 3


def stance_band(stance: str) -> tuple[int, int]:
    """The standings a stance covers, (lowest, highest), both inclusive."""
    high = STANDING_MAX
    for floor, name in STANCE_FLOORS:
        if name == stance:
            return floor, high
        high = floor - 1
    return STANDING_MIN, high


def stance_held(standing: int, told: str | None, *, margin: int = STANCE_MARGIN) -> str:
    """The stance to tell of at `standing` when `told` was the last one told: `told` holds
    while the standing stays within `margin` points of its band."""
    current = stance_for(standing)
    if told is None or told == current or told not in Stance.ALL:
        return current
    low, high = stance_band(told)
    return told if low - margin <= standing <= high + margin else current
