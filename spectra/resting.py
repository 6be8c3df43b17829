"""Where a feeling rests: the resting state (baseline) a character's feeling relaxes toward,
set by its personality and moved by the hour of the day, its body and, for Spectra, the
daylight she is made of. Pure Python; `spectra.emotion` holds the model itself."""

from __future__ import annotations

import math
from collections.abc import Mapping

from spectra.emotion import PAD, trait_lean


def baseline_from_personality(traits: dict[str, float]) -> PAD:
    """The resting state a personality returns to (Mehrabian's mapping, as used by ALMA).

    Traits are 0..1 here; the mapping takes -1..1. The full mapping, not a damped one: halved,
    every seed personality rested within 0.3 of the origin, whose nearest mood is curiosity,
    so feelings relaxing toward their baselines made a whole population curious.
    """

    openness, conscientiousness = trait_lean(traits, "openness"), trait_lean(traits, "conscientiousness")
    extraversion, agreeableness = trait_lean(traits, "extraversion"), trait_lean(traits, "agreeableness")
    stability = -trait_lean(traits, "neuroticism")
    pad = PAD(
        pleasure=0.21 * extraversion + 0.59 * agreeableness + 0.19 * stability,
        arousal=0.15 * openness + 0.30 * agreeableness - 0.57 * stability,
        dominance=0.25 * openness + 0.17 * conscientiousness + 0.60 * extraversion - 0.32 * agreeableness,
    )
    return pad.clamped()


DAY_PEAK_HOUR = 14.0  # the body's day: most awake early in the afternoon, least before dawn
CHRONOTYPE_HOURS = 3.0  # how far a lark's or an owl's day runs ahead of or behind it


def chronotype(traits: dict[str, float]) -> float:
    """Hours by which this personality's day runs late (> 0, an owl) or early (< 0, a lark):
    the conscientious rise early, the outgoing and open stay up late (Randler 2008)."""
    late = (trait_lean(traits, "extraversion") + trait_lean(traits, "openness")) / 2 - trait_lean(
        traits, "conscientiousness"
    )
    return CHRONOTYPE_HOURS * max(-1.0, min(1.0, late))


def with_the_day(baseline: PAD, *, hour: float, amplitude: float, late_by: float = 0.0) -> PAD:
    """The resting state at this hour of the day: arousal rises through the morning, peaks in
    the early afternoon (`late_by` hours later for an owl, earlier for a lark) and falls
    through the evening to its lowest before dawn (the diurnal rhythm of activated affect,
    Watson et al. 1999), by `amplitude` either way."""
    swing = amplitude * math.cos(2 * math.pi * (hour - DAY_PEAK_HOUR - late_by) / 24)
    return PAD(baseline.pleasure, baseline.arousal + swing, baseline.dominance).clamped()


# The body's state colours the resting feeling (core affect follows the body: Russell 2003):
# the tired are less stirred and less glad, the lonely less glad and less sure of themselves,
# the idle restless and discontent. Each need counts past its comfortable level, up to these
# pushes at its fullest. Without it, once habit had dulled the day's familiar pleasures, a
# settled character sat in one mood for days: only the hour of the day moved its rest.
FATIGUE_PUSH = (-0.10, -0.30, 0.0)  # pleasure, arousal, dominance, at no energy left
LONELINESS_PUSH = (-0.20, 0.0, -0.15)
AIMLESSNESS_PUSH = (-0.15, 0.10, -0.05)
RESTING_PUSH = (0.0, -0.35, 0.0)  # asleep or resting: the body's quietest
NEED_COMFORT = 0.5  # a need below this is not felt in the mood


def with_the_body(baseline: PAD, *, energy: float, needs: Mapping[str, float], resting: bool = False) -> PAD:
    """The resting state given how spent the character is (`energy` 0..100), how pressing
    its needs for company and purpose are (0..1), and whether it is resting (a night's sleep
    quiets the warmest temperament, which wakes to its own mood again)."""

    def pressing(name: str) -> float:
        return max(0.0, float(needs.get(name, 0.0)) - NEED_COMFORT) / (1.0 - NEED_COMFORT)

    fatigue = 1.0 - max(0.0, min(100.0, energy)) / 100.0
    pushes = (
        (FATIGUE_PUSH, fatigue),
        (LONELINESS_PUSH, pressing("social")),
        (AIMLESSNESS_PUSH, pressing("purpose")),
        (RESTING_PUSH, 1.0 if resting else 0.0),
    )
    values = list(baseline.as_tuple())
    for push, strength in pushes:
        for axis, step in enumerate(push):
            values[axis] += step * strength
    return PAD(*values).clamped()


SOLAR_NOON_HOUR = 13.0  # the light is fullest an hour past noon, least an hour past midnight


def with_the_light(baseline: PAD, *, hour: float, amplitude: float) -> PAD:
    """Spectra's resting gladness by the daylight she is made of: brighter by `amplitude` at
    the day's fullest light, dimmer by as much in the dead of night."""
    swing = amplitude * math.cos(2 * math.pi * (hour - SOLAR_NOON_HOUR) / 24)
    return PAD(baseline.pleasure + swing, baseline.arousal, baseline.dominance).clamped()
