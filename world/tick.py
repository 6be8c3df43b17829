"""The world tick: one function, `run_tick()`, used by every mode.

Embedded mode calls it from an in-process loop beside the ASGI server
(`world.management.commands.serve`); served mode from a Celery task scheduled by Celery Beat
(`world.tasks.run_world_tick`); `manage.py run_ticks N` calls it N times in a row.

A tick:
1. takes the tick's single-flight lock (if another tick holds it, this one returns at once),
   then the world exclusively and the clock row (`world.locks`: the one lock order), and
   refuses to run a tick number twice or to run again before half an interval has passed
   (schedulers may fire twice);
2. advances the tick number and the in-world time;
3. loads the tick-start world in a constant number of queries (the talk grammar with
   designers' edits, `world.voice.grammar_rules_get`, among it), then for every active NPC and
   Spectra, in batches: plan (perceive, decide and act: reads and pure code,
   `world.tick_batches.batch_plan`), every batch from the tick-start world, then apply
   each plan (persist in bulk, publish the events; `batch_apply`), a constant number of
   queries per batch. In served mode with `TICK_WORKERS` > 1, Celery workers plan shares
   of the batches beside this process (`world.tick_fanout.batches_planned`); this process
   applies every plan, in id order, in its one transaction;
4. runs the tick phases other apps registered (`register_tick_phase`: Spectra's emotions,
   resonance, expression);
5. commits, and only then broadcasts every event the tick published, as one `world_update`
   per occupied location and a few other frames.
A failure anywhere rolls the whole tick back: no half-written tick, nothing broadcast.
So does a stop request (`should_stop`, checked between batches and phases and just before
commit): a server shutting down abandons the tick, and the next run does it again, whole.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from htrae.collector import cyclic_collection_paused
from htrae.metrics import tick_observe
from htrae.vocabulary import EventType
from world.autonomy.perception import world_snapshot_load
from world.broadcast import broadcast_tick
from world.events import EventDraft, collecting, publish_many
from world.locks import retrying, tick_single_flight, world_exclusive
from world.models import TickRecord, WorldClock
from world.selectors import time_of_day
from world.tick_batches import batch_apply
from world.tick_fanout import TickMoment, batches_planned
from world.voice import grammar_rules_get

logger = logging.getLogger(__name__)

# A scheduler firing again within this fraction of the interval is a duplicate, not a tick.
MIN_SPACING_FRACTION = 0.5


@dataclass(frozen=True)
class TickContext:
    """What a tick phase knows of the tick it runs in."""

    tick: int
    seed: int
    world_time: datetime
    previous_world_time: datetime
    events: tuple = ()  # every event of this tick so far (GameEvent rows), oldest first
    # NPCs' and Spectra's moods at tick start: the moods they acted (and spoke) in. Earlier
    # phases may already have moved the stored moods on (Spectra's appraisal).
    moods: Mapping[int, str] = field(default_factory=dict)


TickPhase = Callable[[TickContext], None]
_phases: list[tuple[int, str, TickPhase]] = []  # (stage, name, phase), in the order they run

# The order of the phases, whatever the order the apps are loaded in: minds move goals and
# plans on; stories (quests, factions) answer the deeds; feelings then appraise everything
# the tick did, a goal achieved or a quest failed included; memory keeps it; opinions last.
PHASE_MINDS, PHASE_STORIES, PHASE_FEELINGS, PHASE_MEMORY, PHASE_OPINIONS = 10, 20, 30, 40, 50


# What a tick times besides its registered phases (TickResult.phases): taking its locks and
# advancing the clock, loading the tick-start world, planning every batch (perceive, decide,
# act; waiting on workers when fanned out), and applying the plans (persisting them,
# publishing their events).
STEP_CLOCK, STEP_LOAD, STEP_PLAN, STEP_APPLY = "clock", "load", "plan", "apply"


def register_tick_phase(phase: TickPhase, *, stage: int, name: str = "") -> TickPhase:
    """Run `phase` in every tick after the characters have acted, inside the tick's
    transaction, at its `stage` (PHASE_*; phases of one stage in registration order). Other
    apps register theirs in `ready()`, so the world calls them without importing them.
    `name` (default: the function's) labels its time in the tick's record and metrics."""
    name = name or phase.__name__
    if name in (STEP_CLOCK, STEP_LOAD, STEP_PLAN, STEP_APPLY):
        raise ValueError(f"{name!r} names a step of the tick itself; give the phase another name.")
    if all(registered is not phase for _, _, registered in _phases):
        if any(registered_name == name for _, registered_name, _ in _phases):
            raise ValueError(f"A tick phase is already called {name!r}: their times would mix.")
        _phases.append((stage, name, phase))
        _phases.sort(key=lambda entry: entry[0])  # stable: registration order within a stage
    return phase


@dataclass(frozen=True)
class TickResult:
    """What a call of `run_tick` did. `tick` is None when it did not run (see `skipped`)."""

    tick: int | None
    skipped: str = ""  # "busy", "paused", "too_soon", "already_done", "no_clock"
    characters: int = 0
    events: int = 0
    batches: int = 0
    seconds: float = 0.0
    # Seconds each step took (STEP_CLOCK, STEP_LOAD, STEP_PLAN, STEP_APPLY, then the registered
    # phases by name, in the order they ran); what is left of `seconds` is between the steps
    # (a tick retried after a lock conflict counts its first try there).
    phases: Mapping[str, float] = field(default_factory=dict)

    @property
    def ran(self) -> bool:
        return self.tick is not None


class TickCancelled(Exception):
    """Raised inside a tick when its caller asked it to stop: the transaction rolls back."""


def run_tick(
    *,
    force: bool = False,
    expected_tick: int | None = None,
    batch_size: int | None = None,
    close_channel_pools: bool = False,
    should_stop: Callable[[], bool] | None = None,
) -> TickResult:
    """Run one tick of the world (see the module docstring).

    `force` runs it even when paused or early (run_ticks, tests). `expected_tick` makes the
    call idempotent for a tick number: if the world already reached it, nothing happens.
    A tick that meets a lock conflict rolled back whole and runs once more (`world.locks`).
    `should_stop` is asked between steps; once it says yes the tick rolls back and returns
    skipped="cancelled".
    """
    started = time.perf_counter()
    stop = should_stop or _never

    def checkpoint() -> None:
        if stop():
            raise TickCancelled

    try:
        with cyclic_collection_paused():  # see htrae.collector
            result = retrying(
                lambda: _run_tick_once(
                    started=started,
                    force=force,
                    expected_tick=expected_tick,
                    batch_size=batch_size or settings.TICK_BATCH_SIZE,
                    close_channel_pools=close_channel_pools,
                    checkpoint=checkpoint,
                ),
                what="the tick",
            )
    except TickCancelled:
        logger.info("tick cancelled before commit; rolled back")
        result = TickResult(tick=None, skipped="cancelled")
    tick_observe(result)
    return result


def _never() -> bool:
    return False


def _run_tick_once(
    *,
    started: float,
    force: bool,
    expected_tick: int | None,
    batch_size: int,
    close_channel_pools: bool,
    checkpoint: Callable[[], None],
) -> TickResult:
    begun = time.perf_counter()
    with transaction.atomic():
        # The lock order of world.locks: single flight, then the world (players wait for the
        # tick, the tick for the actions in flight), then rows.
        if not tick_single_flight():
            return TickResult(tick=None, skipped="busy")
        world_exclusive()
        clock = WorldClock.objects.select_for_update(skip_locked=True).filter(pk=WorldClock.SINGLETON_ID).first()
        if clock is None:
            reason = "busy" if WorldClock.objects.filter(pk=WorldClock.SINGLETON_ID).exists() else "no_clock"
            return TickResult(tick=None, skipped=reason)
        skipped = _reason_to_skip(clock, force=force, expected_tick=expected_tick)
        if skipped:
            return TickResult(tick=None, skipped=skipped)

        previous_world_time = clock.world_time
        clock.tick += 1
        clock.world_time += timedelta(seconds=clock.tick_interval_seconds * clock.time_scale)
        clock.last_tick_at = timezone.now()
        clock.save(update_fields=["tick", "world_time", "last_tick_at", "updated_at"])

        phases: dict[str, float] = {}
        mark = _timed(phases, STEP_CLOCK, since=begun)
        with collecting() as events:
            snapshot = world_snapshot_load(tick=clock.tick)
            talk_rules = grammar_rules_get()  # once a tick: every exchange speaks the same words
            mark = _timed(phases, STEP_LOAD, since=mark)
            ids = snapshot.autonomous_ids
            moment = TickMoment(tick=clock.tick, seed=clock.seed, world_time=clock.world_time)
            batches = 0
            phases[STEP_PLAN] = phases[STEP_APPLY] = 0.0
            # Planning runs inside the generator: the time until it yields a batch is planning.
            for plans in batches_planned(
                ids, snapshot, moment, talk_rules, batch_size=batch_size, checkpoint=checkpoint
            ):
                mark = _timed(phases, STEP_PLAN, since=mark)
                checkpoint()
                batch_apply(plans, snapshot, tick=clock.tick)
                mark = _timed(phases, STEP_APPLY, since=mark)
                batches += 1
            _timed(phases, STEP_PLAN, since=mark)  # the generator's last step: its end
            _drill_pause(checkpoint)
            _publish_time_of_day(clock, previous_world_time)
            for _, name, phase in _phases:
                checkpoint()
                mark = time.perf_counter()
                # each phase sees every event so far, those of the phases before it included
                phase(
                    TickContext(
                        tick=clock.tick,
                        seed=clock.seed,
                        world_time=clock.world_time,
                        previous_world_time=previous_world_time,
                        events=tuple(events),
                        moods=snapshot.moods,
                    )
                )
                _timed(phases, name, since=mark)
        checkpoint()  # the last moment a stop request can still undo the tick

        result = TickResult(
            tick=clock.tick,
            characters=len(ids),
            events=len(events),
            batches=batches,
            seconds=time.perf_counter() - started,
            phases=phases,
        )
        # last_tick_at is when it started (the schedule counts from there); it finished now.
        _tick_record(result, finished_at=timezone.now())
        work_done = time.perf_counter()  # what follows until the broadcast is the commit
        transaction.on_commit(
            lambda: broadcast_tick(clock.tick, events, close_pools=close_channel_pools, work_done=work_done)
        )
    logger.info(
        "tick %s: %s characters, %s events in %.0f ms (%s)",
        result.tick,
        result.characters,
        result.events,
        result.seconds * 1000,
        ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in result.phases.items()),
    )
    return result


def _timed(phases: dict[str, float], name: str, *, since: float) -> float:
    """Add the time from `since` to now to `phases[name]`; returns now."""
    now = time.perf_counter()
    phases[name] = phases.get(name, 0.0) + (now - since)
    return now


def _tick_record(result: TickResult, *, finished_at: datetime) -> None:
    """Keep how long this tick took, in its own transaction (two queries): a tick that rolls
    back leaves no record. Older records than the newest `TickRecord.KEPT` go."""
    TickRecord.objects.create(
        tick=result.tick,
        finished_at=finished_at,
        duration_ms=round(result.seconds * 1000),
        characters=result.characters,
        events=result.events,
        # pairs, not an object: PostgreSQL's jsonb keeps an object's keys in an order of its own
        phases_ms=[[name, round(seconds * 1000)] for name, seconds in result.phases.items()],
    )
    TickRecord.objects.filter(tick__lte=result.tick - TickRecord.KEPT).delete()


def _drill_pause(checkpoint: Callable[[], None]) -> None:
    """Fault drills only (TICK_DRILL_SLEEP_SECONDS, 0 in production): hold the tick open
    mid-way, inside its transaction, so a drill can kill or stop a process during a tick."""
    seconds = settings.TICK_DRILL_SLEEP_SECONDS
    if seconds <= 0:
        return
    logger.info("tick drill: pausing %.1f s mid-tick", seconds)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        checkpoint()
        time.sleep(min(0.1, deadline - time.monotonic()))


def _publish_time_of_day(clock: WorldClock, previous_world_time: datetime) -> None:
    """Dawn, morning, ...: a world-wide event when the part of the day changes."""
    before, now = time_of_day(previous_world_time.hour), time_of_day(clock.world_time.hour)
    if before != now:
        payload = {"from": before, "part": now, "qualifier": now, "world_time": clock.world_time.isoformat()}
        publish_many([EventDraft(type=EventType.TIME_OF_DAY_CHANGED, payload=payload, tick=clock.tick)])


def _reason_to_skip(clock: WorldClock, *, force: bool, expected_tick: int | None) -> str:
    if expected_tick is not None and clock.tick >= expected_tick:
        return "already_done"
    if force:
        return ""
    if clock.paused:
        return "paused"
    if clock.last_tick_at is not None:
        since = (timezone.now() - clock.last_tick_at).total_seconds()
        if since < clock.tick_interval_seconds * MIN_SPACING_FRACTION:
            return "too_soon"
    return ""
