"""Dreams: a sleeper's mind goes back over what moved it lately. Pure Python.

In sleep the day's strongest feelings are replayed (emotional memory is consolidated in REM
sleep: Walker & van der Helm 2009), so a night is not one quiet mood: the one who was wronged
dreams it again and wakes sour, the one who was welcomed wakes warm. Without dreams every
sleeper rested at its temperament's quietest point, and an agreeable town read as calm
together from midnight to dawn.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from htrae.vocabulary import DREAM
from spectra.emotion import MOOD_PROTOTYPES, Impulse

DREAM_LOOKBACK_TICKS = 96  # two in-world days: what is dreamt is what moved one lately
DREAM_VIVIDNESS = 0.65  # a dream of the most important memory (10) stirs this strongly
CAUSE_LENGTH = 120  # as long as a stored cause may be


@dataclass(frozen=True)
class Remembered:
    """An emotional memory as a dream can draw on it: the mood it was felt in, how much it
    mattered (0..10) and what it was."""

    memory_id: int
    mood: str
    importance: float
    content: str


def dreams_this_tick(sleepers: list[int], *, seed: int, tick: int, chance: float) -> list[int]:
    """Which of `sleepers` dream this tick (about one sleep cycle in three at the default
    chance), each by its own seeded draw: the same in a replay, whatever the order."""
    if chance <= 0:
        return []
    return [
        sleeper for sleeper in sorted(sleepers) if random.Random(f"{seed}:{tick}:{sleeper}:dream").random() < chance
    ]


def dream_of(memories: list[Remembered], *, seed: int, tick: int, sleeper: int) -> Impulse | None:
    """The dream a sleeper has of `memories` (its emotional memories of late): one of them,
    the more important the likelier, felt again toward the mood it was felt in, the more
    vividly the more it mattered. None with nothing to dream of."""
    dreamable = sorted(
        (memory for memory in memories if memory.mood in MOOD_PROTOTYPES and memory.importance > 0),
        key=lambda memory: memory.memory_id,
    )
    if not dreamable:
        return None
    rng = random.Random(f"{seed}:{tick}:{sleeper}:dream-of")
    memory = rng.choices(dreamable, weights=[memory.importance for memory in dreamable])[0]
    vividness = DREAM_VIVIDNESS * min(1.0, memory.importance / 10.0) ** 0.5
    return Impulse(DREAM, MOOD_PROTOTYPES[memory.mood], round(vividness, 4), dream_cause(memory.content))


def dream_cause(content: str) -> str:
    """'a dream (I felt fear at a clash.)', cut to fit a stored cause."""
    cause = f"a dream ({content.strip()})"
    return cause if len(cause) <= CAUSE_LENGTH else cause[: CAUSE_LENGTH - 2].rstrip() + "…)"
