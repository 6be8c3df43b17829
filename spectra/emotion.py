"""The emotion model: pure Python over plain data, shared by Spectra and the NPCs.

A character's feeling is a point in pleasure/arousal/dominance space (each -1..1). Events,
appraised against the character (`spectra.appraisal`), push it with impulses; between
events it relaxes toward a baseline set by personality, with a half-life. A discrete mood
(Calm, Joy, Intensity, Melancholy, Curiosity, Unease, Wonder, Warmth,
Anger, Aloofness, Contentment) is read from the point by
the nearest prototype, with hysteresis so it does not flicker at a boundary. The Mood Ring is a
colour computed from the mood and its intensity.
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from htrae.vocabulary import EMPATHY, Mood

CALM, JOY, INTENSITY, MELANCHOLY, CURIOSITY, UNEASE, WONDER, WARMTH, ANGER, ALOOFNESS, CONTENTMENT = Mood.ALL

# Where each mood sits in PAD space.
MOOD_PROTOTYPES: dict[str, tuple[float, float, float]] = {
    CALM: (0.35, -0.45, 0.15),
    JOY: (0.65, 0.40, 0.35),
    INTENSITY: (0.00, 0.85, 0.50),
    MELANCHOLY: (-0.50, -0.45, -0.35),
    CURIOSITY: (0.25, 0.40, 0.10),
    UNEASE: (-0.45, 0.45, -0.40),
    WONDER: (0.50, 0.60, -0.30),
    # Pleasant, gently stirred, yielding: affection (ALMA's "dependent" octant, where liking,
    # gratitude and admiration point). Without it, the warmth of friends' company read as
    # curiosity, the nearest mild pleasant mood, and a sociable town all read as curious.
    WARMTH: (0.45, 0.15, -0.25),
    # The three octants of ALMA's mood space no mood stood for. Without them anger (unpleasant,
    # stirred, dominant) read as unease or curiosity, and a sour, proud temperament at rest as
    # calm, or in the lively afternoon as curious.
    ANGER: (-0.50, 0.55, 0.25),
    ALOOFNESS: (-0.40, -0.35, 0.40),
    CONTENTMENT: (0.45, -0.35, -0.35),
}
MOODS = Mood.ALL

# The Mood Ring's hue per mood (0..1 around the colour wheel).
MOOD_HUES: dict[str, float] = {
    CALM: 0.58,  # sky blue
    JOY: 0.13,  # gold
    INTENSITY: 0.0,  # red
    MELANCHOLY: 0.70,  # indigo
    CURIOSITY: 0.33,  # green
    UNEASE: 0.08,  # rust
    WONDER: 0.83,  # violet
    WARMTH: 0.95,  # rose
    ANGER: 0.21,  # sour olive
    ALOOFNESS: 0.50,  # cold cyan
    CONTENTMENT: 0.42,  # soft mint
}

IMPULSES_FELT_PER_TICK = 3  # only the strongest few emotions of a moment move the feeling
HYSTERESIS = 0.12  # another mood must be this much nearer before the mood changes
IMPULSE_GAIN = 1.0  # how far one full-intensity emotion moves the state
# Salience grows faster than intensity (a push of intensity squared times gain): the routine (0.2-0.4)
# barely stirs a feeling, which then rests near its personality's baseline; what matters to a
# character (0.7-1: its goals, its standards, those it loves or hates) moves it far enough to
# be remembered. Linear pushes made the constant stream of small pleasures pin everyone at
# the same corner of the space, and no single event could ever be felt strongly.
SALIENCE_POWER = 2.0


@dataclass(frozen=True)
class PAD:
    pleasure: float = 0.0
    arousal: float = 0.0
    dominance: float = 0.0

    def clamped(self) -> PAD:
        return PAD(*(max(-1.0, min(1.0, value)) for value in self.as_tuple()))

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.pleasure, self.arousal, self.dominance)

    def distance(self, other: PAD | tuple[float, float, float]) -> float:
        other = other.as_tuple() if isinstance(other, PAD) else other
        return math.dist(self.as_tuple(), other)


@dataclass(frozen=True)
class Impulse:
    """An emotion felt: its PAD direction and how strongly (0..1)."""

    emotion: str
    direction: tuple[float, float, float]
    intensity: float
    cause: str = ""


@dataclass(frozen=True)
class Feeling:
    """A character's full emotional state at a tick."""

    state: PAD
    mood: str
    tick: int
    # How used the character is to each kind of stirring (`habituation_key` -> weight), as of
    # `tick`; sorted pairs, so the stored form never depends on the order things were felt.
    habits: tuple[tuple[str, float], ...] = field(default=())

    def as_json(self, *, baseline: PAD) -> dict:
        # Stored unrounded: the same events give the same state however they were grouped.
        stored = {
            "mood": self.mood,
            "pleasure": self.state.pleasure,
            "arousal": self.state.arousal,
            "dominance": self.state.dominance,
            "intensity": round(intensity(self.state, baseline), 4),
            "tick": self.tick,
        }
        if self.habits:
            stored["habits"] = dict(self.habits)
        return stored


def trait_lean(traits: dict[str, float], name: str) -> float:
    """A Big Five trait (0..1, 0.5 when unset) as a lean from -1 to 1."""
    return 2.0 * float(traits.get(name, 0.5)) - 1.0


def decay(state: PAD, baseline: PAD, *, ticks: float, half_life_ticks: float) -> PAD:
    """The state after `ticks` of relaxing toward the baseline."""
    if ticks <= 0:
        return state
    keep = 0.5 ** (ticks / half_life_ticks)
    return PAD(
        *(base + (value - base) * keep for value, base in zip(state.as_tuple(), baseline.as_tuple(), strict=True))
    )


def apply_impulses(state: PAD, impulses: list[Impulse]) -> PAD:
    """Push the state by each impulse in turn; near the edge of the space pushes weaken."""
    values = list(state.as_tuple())
    for impulse in impulses:
        for axis, direction in enumerate(impulse.direction):
            step = direction * impulse.intensity**SALIENCE_POWER * IMPULSE_GAIN
            room = 1.0 - abs(values[axis]) if (step > 0) == (values[axis] > 0) else 1.0
            values[axis] = max(-1.0, min(1.0, values[axis] + step * room))
    return PAD(*values)


def strongest(impulses: list[Impulse], limit: int = IMPULSES_FELT_PER_TICK) -> list[Impulse]:
    """The `limit` most intense impulses, in their original order: a crowd's every deed would
    otherwise pile up (twenty admirations are not twenty times one) and pin everyone's
    feeling at an edge of the space."""
    if len(impulses) <= limit:
        return impulses
    kept = sorted(range(len(impulses)), key=lambda index: (-impulses[index].intensity, index))[:limit]
    return [impulses[index] for index in sorted(kept)]


# How far temperament colours what is felt: the outgoing find pleasant events more pleasant and
# the anxious unpleasant ones more unpleasant (affect reactivity, Larsen & Ketelaar 1991).
# Without it a town of mixed temperaments living the same pleasant days drifted to one mood.
REACTIVITY = 0.5


def as_felt_by(impulse: Impulse, traits: dict[str, float]) -> Impulse:
    """`impulse` as this temperament feels it: how pleasant a pleasant emotion is, scaled by
    extraversion, how unpleasant an unpleasant one, by neuroticism (x0.5 to x1.5 at the
    traits' extremes). Only pleasure: how stirring an event is stays the event's, so the
    sunniest still quiet down at night."""
    pleasure, arousal, dominance = impulse.direction
    if pleasure == 0:
        return impulse
    trait = "extraversion" if pleasure > 0 else "neuroticism"
    felt = max(-1.0, min(1.0, pleasure * (1.0 + REACTIVITY * trait_lean(traits, trait))))
    return Impulse(impulse.emotion, (round(felt, 4), arousal, dominance), impulse.intensity, impulse.cause)


def empathy(others: list[tuple[PAD, float, str]], *, gain: float) -> Impulse | None:
    """What one who feels others' feelings catches from those beside it (emotional
    contagion): the feeling of the one who feels most strongly, as an impulse of `gain` times
    that one's intensity. `others` are (state, intensity, cause) of those present; None if
    no one there feels anything."""
    if gain <= 0 or not others:
        return None
    state, strength, cause = max(others, key=lambda other: (other[1], other[2]))
    if strength <= 0:
        return None
    return Impulse(EMPATHY, state.as_tuple(), round(min(1.0, gain * strength), 4), cause)


# The moods' shell: no prototype lies nearer the neutral point than this.
MOOD_SHELL = min(math.dist((0.0, 0.0, 0.0), point) for point in MOOD_PROTOTYPES.values())


def _read(state: PAD) -> PAD:
    """The state as a mood is read from it: a faint feeling is read by its direction, as if it
    lay on the moods' shell (its strength is `intensity`'s business). Read as it lies, every
    mild feeling was nearest the prototype closest to neutral (curiosity), so a population
    of mild temperaments, uneasy or calm, all read as curious (after ALMA's mood octants)."""
    norm = math.dist((0.0, 0.0, 0.0), state.as_tuple())
    if norm >= MOOD_SHELL or norm < 1e-6:
        return state
    return PAD(*(value * MOOD_SHELL / norm for value in state.as_tuple()))


def nearest_mood(state: PAD) -> str:
    read = _read(state)
    return min(MOODS, key=lambda mood: (read.distance(MOOD_PROTOTYPES[mood]), mood))


def classify(state: PAD, current: str | None) -> str:
    """The mood for `state`; the current mood holds until another is clearly nearer."""
    candidate = nearest_mood(state)
    if current not in MOOD_PROTOTYPES or candidate == current:
        return candidate
    read = _read(state)
    if read.distance(MOOD_PROTOTYPES[candidate]) + HYSTERESIS < read.distance(MOOD_PROTOTYPES[current]):
        return candidate
    return current


def intensity(state: PAD, baseline: PAD) -> float:
    """How strongly the character feels, 0 (at rest) to 1, by distance from its baseline."""
    return min(1.0, state.distance(baseline) / 1.2)


def mood_ring(mood: str, strength: float) -> dict:
    """The Mood Ring: the mood's hue, richer and brighter the stronger the feeling."""
    hue = MOOD_HUES.get(mood, 0.58)
    strength = max(0.0, min(1.0, strength))
    lightness = 0.45 + 0.15 * strength
    saturation = 0.35 + 0.6 * strength
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    hex_color = "#" + "".join(f"{round(channel * 255):02x}" for channel in (red, green, blue))
    return {"hex": hex_color, "hue": round(hue * 360), "intensity": round(strength, 3)}


# Habituation (Frijda's laws of habituation and of hedonic asymmetry): what stirs a character
# again and again stirs it less (the same friend's warm words every hour, the same chatter), and
# comes back fresh when it has been missed for a while; pleasures wear off faster than pains.
# Without it a town of friends who talk all day was lifted into one warm mood together.
UNPLEASANT_HABITUATION = 0.5  # pains dull at half the rate of pleasures
HABIT_FORGOTTEN = 0.01  # a habit this faint is dropped, so the stored set stays small


@dataclass(frozen=True)
class Habituation:
    """How fast stirrings wear off (`rate`: the dulling per unit of intensity felt before) and
    how fast a habit is forgotten (its weight halves every `half_life_ticks`). Rate 0: never."""

    rate: float = 0.0
    half_life_ticks: float = 12.0


def habituation_key(impulse: Impulse) -> str:
    """What a character gets used to: an emotion from a kind of event (liking at a talk)."""
    return f"{impulse.emotion}:{impulse.cause}"


def habits_faded(habits: Mapping[str, float], *, ticks: float, half_life_ticks: float) -> dict[str, float]:
    """The habits after `ticks` without the stirrings they are made of (faint ones dropped)."""
    keep = 0.5 ** (max(0.0, ticks) / half_life_ticks)
    return {key: weight * keep for key, weight in sorted(habits.items()) if weight * keep >= HABIT_FORGOTTEN}


def habituated(impulses: list[Impulse], habits: Mapping[str, float], *, rate: float) -> list[Impulse]:
    """`impulses` as a character used to them feels them: each divided by 1 + rate x its habit."""
    if rate <= 0 or not habits:
        return impulses
    felt = []
    for impulse in impulses:
        weight = habits.get(habituation_key(impulse), 0.0)
        dulling = rate * weight * (UNPLEASANT_HABITUATION if impulse.direction[0] < 0 else 1.0)
        felt.append(replace(impulse, intensity=round(impulse.intensity / (1.0 + dulling), 4)) if weight else impulse)
    return felt


def habits_after(habits: Mapping[str, float], felt: list[Impulse]) -> tuple[tuple[str, float], ...]:
    """The habits once `felt` has been felt: each stirring adds its intensity to its habit."""
    grown = dict(habits)
    for impulse in felt:
        if impulse.intensity <= 0:
            continue  # a rule tuned to nothing leaves no habit
        key = habituation_key(impulse)
        grown[key] = round(grown.get(key, 0.0) + impulse.intensity, 4)
    return tuple(sorted(grown.items()))


def habits_now(previous: Feeling | None, *, tick: int, habituation: Habituation) -> dict[str, float] | None:
    """The habits a character brings to this tick (faded since its last), read once for both
    `impulses_felt` and `feel`; None without habituation (nothing is kept)."""
    if habituation.rate <= 0:
        return None
    if previous is None or not previous.habits:
        return {}
    return habits_faded(dict(previous.habits), ticks=tick - previous.tick, half_life_ticks=habituation.half_life_ticks)


def impulses_felt(impulses: list[Impulse], habits: Mapping[str, float] | None, *, rate: float) -> list[Impulse]:
    """What of `impulses` a character feels now: each dulled by its `habits` (`habits_now`),
    then the strongest few (so the new outweighs the familiar)."""
    if habits:
        impulses = habituated(impulses, habits, rate=rate)
    return strongest(impulses)


def feel(
    previous: Feeling | None,
    *,
    baseline: PAD,
    impulses: list[Impulse],
    tick: int,
    half_life_ticks: float,
    habits: Mapping[str, float] | None = None,
) -> Feeling:
    """The new feeling: relax since the last update, then feel the impulses (as `impulses_felt`
    gives them), then name the mood; given the `habits` it came with, the habits they leave
    are kept."""
    if previous is None:
        previous = Feeling(state=baseline, mood=classify(baseline, None), tick=tick)
    state = decay(previous.state, baseline, ticks=tick - previous.tick, half_life_ticks=half_life_ticks)
    state = apply_impulses(state, impulses)
    kept = habits_after(habits, impulses) if habits is not None else ()
    return Feeling(state=state, mood=classify(state, previous.mood), tick=tick, habits=kept)


def feeling_from_json(data: dict | None, *, default_tick: int) -> Feeling | None:
    """Read a character's stored `emotional_state`; None if it holds no PAD point yet."""
    if not data or "pleasure" not in data:
        return None
    try:
        state = PAD(float(data["pleasure"]), float(data.get("arousal", 0.0)), float(data.get("dominance", 0.0)))
    except (TypeError, ValueError):
        return None
    mood = data.get("mood") if data.get("mood") in MOOD_PROTOTYPES else None
    habits = data.get("habits")
    habits = (
        tuple(sorted((str(key), float(weight)) for key, weight in habits.items() if isinstance(weight, int | float)))
        if isinstance(habits, dict)
        else ()
    )
    return Feeling(
        state=state.clamped(),
        mood=mood or classify(state, None),
        tick=int(data.get("tick", default_tick)),
        habits=habits,
    )
