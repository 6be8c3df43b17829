"""Pausing, resuming and stepping the world by hand (the admin's world dashboard).

Every tick still goes through `world.tick.run_tick` and its locks (`world.locks`); stepping
only asks it for exactly one tick, the one after the tick the designer saw
(`expected_tick`), so a double click or a stale page runs nothing twice. It runs even while
the world is paused (`force`): that is what a step is for.

Where it runs follows where ticks run: in this process when the server ticks the world
itself (embedded mode, no `REDIS_URL`; see `manage.py serve`), otherwise on a Celery worker,
which holds the Redis channel layer and the tick's retries, like Beat's ticks.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from world import services
from world.models import WorldClock
from world.tasks import step_world_tick
from world.tick import run_tick


@dataclass(frozen=True)
class StepOutcome:
    """What asking for one tick did: `ran` (in this process), `queued` (for a worker), or skipped."""

    tick: int | None  # the tick that ran (or was queued)
    status: str  # "ran", "queued", or run_tick's `skipped` reason ("already_done", "busy", ...)


def ticks_run_by_celery() -> bool:
    """Served with Redis: Celery workers run the ticks (the web processes do not tick)."""
    return bool(settings.REDIS_URL)


def world_pause() -> WorldClock:
    """No tick runs until the world is resumed (a step still may)."""
    return services.world_clock_update(clock=WorldClock.objects.get(pk=WorldClock.SINGLETON_ID), paused=True)


def world_resume() -> WorldClock:
    return services.world_clock_update(clock=WorldClock.objects.get(pk=WorldClock.SINGLETON_ID), paused=False)


def world_step(*, after_tick: int) -> StepOutcome:
    """Run the one tick after `after_tick` now, paused or not; nothing if the world is past it."""
    wanted = after_tick + 1
    if ticks_run_by_celery():
        step_world_tick.delay(expected_tick=wanted)
        return StepOutcome(tick=wanted, status="queued")
    result = run_tick(force=True, expected_tick=wanted)
    return StepOutcome(tick=result.tick, status="ran" if result.ran else result.skipped)
