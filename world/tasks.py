"""Celery tasks of the world app: thin wrappers around services.

The tick task is acknowledged early (Celery's default, on purpose): a worker killed mid-tick
loses the message, PostgreSQL rolls the tick back, and the next Beat message runs it. With
`acks_late` the lost message would come back only after the broker's visibility timeout
(an hour), long after the world had moved on.

Shutdown: a supervisor (honcho for `make up`, systemd, Kubernetes) sends SIGTERM to the whole
process group, pool processes included, and Celery resets their SIGTERM to "die now". A
pool process that died mid-tick lost nothing (the tick rolled back) but the worker logged a
WorkerLostError traceback. In a pool process, SIGTERM during a tick now asks the tick to
roll back at its next checkpoint and the task returns `cancelled`; the worker's warm
shutdown then ends the process. Outside a tick, SIGTERM still ends it at once
(billiard's handler).
"""

import contextlib
import signal
import threading
from datetime import datetime

from celery import shared_task

from htrae.collector import cyclic_collection_paused
from htrae.outage import is_outage, log_outage
from world.consequences import EVENT_CONSEQUENCES_TASK, event_consequences
from world.history import history_prune_after_tick
from world.tick import run_tick
from world.tick_fanout import PLAN_SHARE_TASK, share_plan

WORLD_TICK_TASK = "world.run_world_tick"
WORLD_STEP_TASK = "world.step_world_tick"

_stop_tick = threading.Event()


@contextlib.contextmanager
def _sigterm_rolls_back_the_tick():
    """While a tick runs in this process's main thread, SIGTERM asks it to roll back
    instead of killing the process (billiard's own handler comes back afterwards)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: _stop_tick.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        _stop_tick.clear()  # one stop request cancels one tick; the next message runs it


@shared_task(name=WORLD_TICK_TASK, ignore_result=True)
def run_world_tick() -> dict:
    """Beat sends this every tick interval; run_tick itself refuses duplicates and overlaps."""
    try:
        with _sigterm_rolls_back_the_tick():
            result = run_tick(close_channel_pools=True, should_stop=_stop_tick.is_set)
            if result.ran and not _stop_tick.is_set():
                history_prune_after_tick()  # after the tick's commit, in its own transaction
    except Exception as error:
        if not is_outage(error):
            raise
        # The database went away mid-tick: it rolled back whole; the next message runs it.
        log_outage(error, "the world tick")
        return {"tick": None, "skipped": "unavailable", "events": 0}
    return {"tick": result.tick, "skipped": result.skipped, "events": result.events}


@shared_task(name=WORLD_STEP_TASK, ignore_result=True)
def step_world_tick(expected_tick: int) -> dict:
    """A designer's "run one tick now" (world.clock_control): exactly tick `expected_tick`,
    paused or not; if the world already reached it, nothing."""
    with _sigterm_rolls_back_the_tick():
        result = run_tick(
            force=True, expected_tick=expected_tick, close_channel_pools=True, should_stop=_stop_tick.is_set
        )
    return {"tick": result.tick, "skipped": result.skipped, "events": result.events}


@shared_task(name=PLAN_SHARE_TASK, track_started=True)
def plan_tick_share(*, tick: int, seed: int, world_time: str, batches: list[list[int]]) -> list | None:
    """A share of a tick's batches, planned for the tick's coordinator (world.tick_fanout).
    Its result is read back (track_started: the coordinator can tell queued from started)."""
    with cyclic_collection_paused():  # see htrae.collector
        return share_plan(tick=tick, seed=seed, world_time=datetime.fromisoformat(world_time), batches=batches)


# `event_consequences` is defined beside what schedules it (defined here, it would need
# `world.consequences` to import this module back: a cycle); named here so that
# Celery, which looks for an app's tasks in its `tasks` module, registers it in workers.
__all__ = [
    "EVENT_CONSEQUENCES_TASK",
    "PLAN_SHARE_TASK",
    "WORLD_STEP_TASK",
    "WORLD_TICK_TASK",
    "event_consequences",
    "plan_tick_share",
    "run_world_tick",
    "step_world_tick",
]
