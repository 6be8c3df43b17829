"""The plain data the liveliness report is computed from and printed as (no ORM): samples of
a world after each tick, its events, the `History` they make, and the report's `Target`s,
`Section`s and tables. `world.reporting.liveliness` computes the figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class CharacterSample:
    """One character as it stood after a tick. `goals` is None where it was not recorded."""

    location_id: int | None
    mood: str
    goals: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TickSample:
    """The world after one tick (the first sample: before the first tick of the run)."""

    tick: int
    world_time: datetime | None
    part_of_day: str
    npcs: Mapping[int, CharacterSample]
    spectra: CharacterSample | None = None
    spectra_active_goals: int | None = None  # None: not recorded
    extras: Mapping[str, Any] = field(default_factory=dict)  # what other apps' tick samplers add


@dataclass(frozen=True)
class EventRow:
    tick: int
    type: str
    location_id: int | None = None
    actor_id: int | None = None
    listener_id: int | None = None


@dataclass(frozen=True)
class AchievedGoal:
    title: str
    tick: int | None
    world_change: str = ""  # the change in the world that achieved it, if the goal records one


@dataclass(frozen=True)
class History:
    source: str  # how it was gathered, printed in the header
    samples: tuple[TickSample, ...]
    events: tuple[EventRow, ...] = ()
    place_names: Mapping[int, str] = field(default_factory=dict)
    spectra_id: int | None = None
    emotional_memories: Mapping[int, int] | None = None  # NPC id → emotional memories held at the end
    reflections: tuple[str, ...] | None = None  # reflections formed during the run, oldest first
    spectra_goals_achieved: tuple[AchievedGoal, ...] | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)  # what other apps' samplers add

    @property
    def ticks(self) -> list[TickSample]:
        """The samples after a tick (without the one before the run)."""
        return list(self.samples[1:])

    @property
    def npc_ids(self) -> list[int]:
        return sorted(self.samples[0].npcs) if self.samples else []


@dataclass(frozen=True)
class Target:
    name: str
    measured: str
    met: bool | None  # None: not measured by this report


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...]
    targets: tuple[Target, ...] = ()


@dataclass(frozen=True)
class Report:
    source: str
    first_tick: int
    last_tick: int
    sections: tuple[Section, ...]

    @property
    def targets(self) -> list[Target]:
        return [target for section in self.sections for target in section.targets]


# --- helpers --------------------------------------------------------------------------------


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max([len(header[i])] + [len(row[i]) for row in rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.rjust(widths[i]) if i else cell.ljust(widths[i]) for i, cell in enumerate(cells))

    return [line(header), line(["-" * width for width in widths]), *(line(row) for row in rows)]


def _windows(samples: Sequence[TickSample], size: int) -> list[tuple[int, int, list[TickSample]]]:
    """Samples grouped by windows of `size` ticks: (first tick, last tick sampled, samples)."""
    grouped: dict[int, list[TickSample]] = defaultdict(list)
    for sample in samples:
        grouped[(sample.tick - 1) // size].append(sample)
    return [(key * size + 1, max(s.tick for s in grouped[key]), grouped[key]) for key in sorted(grouped)]
