"""What the admin's world dashboard shows: the clock, how the last ticks went, who is
connected (reads only; the buttons' writes are `world.clock_control`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from world import presence
from world.models import TickRecord, WorldClock

TICKS_PLOTTED = 60


@dataclass(frozen=True)
class TickFigures:
    tick: int
    duration_ms: int
    events: int
    characters: int
    phases_ms: list[tuple[str, int]]  # (step, milliseconds), in the order they ran


@dataclass(frozen=True)
class DurationPlot:
    """An SVG polyline of tick durations, oldest left (pure data; the template draws it)."""

    width: int
    height: int
    points: str
    max_ms: int


@dataclass(frozen=True)
class WorldDashboard:
    clock: WorldClock | None
    recent: tuple[TickFigures, ...]  # newest first
    plot: DurationPlot | None
    players_connected: int

    @property
    def last(self) -> TickFigures | None:
        return self.recent[0] if self.recent else None

    @property
    def mean_events(self) -> float | None:
        return sum(t.events for t in self.recent) / len(self.recent) if self.recent else None

    @property
    def world_time(self) -> datetime | None:
        return self.clock.world_time if self.clock else None


def world_dashboard_get() -> WorldDashboard:
    """Two queries: the clock and the latest tick records."""
    clock = WorldClock.objects.filter(pk=WorldClock.SINGLETON_ID).first()
    recent = tuple(
        TickFigures(*row)
        for row in TickRecord.objects.order_by("-tick").values_list(
            "tick", "duration_ms", "events", "characters", "phases_ms"
        )[:TICKS_PLOTTED]
    )
    return WorldDashboard(
        clock=clock,
        recent=recent,
        plot=duration_plot([t.duration_ms for t in reversed(recent)]),
        players_connected=presence.players_connected(),
    )


def duration_plot(durations_ms: list[int], *, width: int = 600, height: int = 120) -> DurationPlot | None:
    """Points for durations (oldest first) scaled into width by height, the slowest at the top."""
    if not durations_ms:
        return None
    top = max(max(durations_ms), 1)
    step = width / max(len(durations_ms) - 1, 1)
    points = " ".join(
        f"{index * step:.1f},{height - duration / top * height:.1f}" for index, duration in enumerate(durations_ms)
    )
    return DurationPlot(width=width, height=height, points=points, max_ms=top)
