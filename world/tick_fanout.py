"""A tick's batches planned across Celery workers (served mode, `TICK_WORKERS` > 1).

The tick's process (the coordinator) holds the tick's transaction. It splits the batches
into `TICK_WORKERS` shares of neighbouring ids, sends every share but the first to Celery as
`world.plan_tick_share`, and plans the first itself. A worker plans its share from the
world as last committed, which is the tick-start world: the coordinator holds the world
exclusively (`world.locks`), so no player or mind work commits while the tick runs, and
nothing the tick writes is visible before its commit. Plans are pure (`world.tick_batches`),
so a share planned anywhere is the same share.

Once every share's plans are in hand (nothing is applied before, so a share the coordinator
plans itself reads the tick-start world too), it applies every plan, in id order, inside
its one transaction:
who got a thing first (`_claim_objects`) is settled there, the events' subscribers run
there, and players see the whole tick at its one commit or nothing of it. Workers write
nothing: a share planned twice, or by a worker killed half-way, leaves nothing behind.

A share no worker has started by the time the coordinator has planned its own is taken
back and planned by the coordinator (all workers busy, none running); a share started but
not back within `TICK_FANOUT_TIMEOUT_SECONDS`, or failed, is planned again by the
coordinator. A late share finds the tick committed and returns nothing.

Embedded mode (no broker) and a world of one batch plan everything in-process: the same
code, one share.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from celery import current_app
from celery.result import AsyncResult
from django.conf import settings

from htrae.background import uses_celery
from htrae.metrics import tick_share_observe
from world.autonomy.perception import WorldSnapshot, world_snapshot_load
from world.models import WorldClock
from world.tick_batches import ActorPlan, batch_plan, plan_from_json, plan_to_json
from world.voice import grammar_rules_get

logger = logging.getLogger(__name__)

PLAN_SHARE_TASK = "world.plan_tick_share"


@dataclass(frozen=True)
class TickMoment:
    """What planning needs to know of the tick, sent to workers as it is."""

    tick: int
    seed: int
    world_time: datetime


def batches_planned(
    ids: Sequence[int],
    snapshot: WorldSnapshot,
    moment: TickMoment,
    talk_rules: Mapping[str, Sequence[str]],
    *,
    batch_size: int,
    shares: int | None = None,
    checkpoint: Callable[[], None] = lambda: None,
) -> list[list[ActorPlan]]:
    """The plan of every batch of `ids`, in id order. All of them are in hand before the
    caller applies any, so every plan, wherever it was made, read the tick-start world (a
    share taken back is planned here before anything is written). `checkpoint` is called
    between the batches planned here."""
    batches = [list(ids[start : start + batch_size]) for start in range(0, len(ids), batch_size)]
    shares = settings.TICK_WORKERS if shares is None else shares
    parts = _shares_of(batches, shares) if shares > 1 and len(batches) > 1 and uses_celery() else [batches]

    def plan_here(part: list[list[int]]) -> list[list[ActorPlan]]:
        planned = []
        for batch in part:
            checkpoint()
            planned.append(
                batch_plan(
                    batch,
                    snapshot,
                    tick=moment.tick,
                    seed=moment.seed,
                    world_time=moment.world_time,
                    talk_rules=talk_rules,
                )
            )
        return planned

    sent = [_send(part, moment) for part in parts[1:]]
    plans = plan_here(parts[0])
    for part, result in zip(parts[1:], sent, strict=True):
        planned = _collect(result, part)
        tick_share_observe("worker" if planned is not None else "coordinator")
        plans += planned if planned is not None else plan_here(part)
    return plans


def share_plan(*, tick: int, seed: int, world_time: datetime, batches: list[list[int]]) -> list[list] | None:
    """A worker's share: the plans of `batches` as JSON, or None when tick `tick` is no
    longer being made (committed already, or abandoned): a late or repeated share."""
    if not WorldClock.objects.filter(pk=WorldClock.SINGLETON_ID, tick=tick - 1).exists():
        return None
    snapshot = world_snapshot_load(tick=tick)
    talk_rules = grammar_rules_get()
    _drill_pause_share()
    return [
        plan_to_json(batch_plan(batch, snapshot, tick=tick, seed=seed, world_time=world_time, talk_rules=talk_rules))
        for batch in batches
    ]


def _drill_pause_share() -> None:
    """Fault drills only (TICK_DRILL_SLEEP_SECONDS, 0 in production): hold a worker's share
    mid-plan, so a drill can kill the worker while it plans."""
    seconds = settings.TICK_DRILL_SLEEP_SECONDS
    if seconds > 0:
        logger.info("tick share drill: pausing %.1f s mid-plan", seconds)
        time.sleep(seconds)


def _shares_of(batches: list[list[int]], shares: int) -> list[list[list[int]]]:
    """Neighbouring batches in `shares` parts of near-equal size, the first no smaller."""
    shares = min(shares, len(batches))
    size, extra = divmod(len(batches), shares)
    parts, start = [], 0
    for index in range(shares):
        end = start + size + (1 if index < extra else 0)
        parts.append(batches[start:end])
        start = end
    return parts


def _send(part: list[list[int]], moment: TickMoment) -> AsyncResult:
    timeout = settings.TICK_FANOUT_TIMEOUT_SECONDS
    return current_app.send_task(
        PLAN_SHARE_TASK,
        kwargs={
            "tick": moment.tick,
            "seed": moment.seed,
            "world_time": moment.world_time.isoformat(),
            "batches": part,
        },
        expires=timeout,  # a message still queued by then is for a tick already made
    )


def _collect(result: AsyncResult, part: list[list[int]]) -> list[list[ActorPlan]] | None:
    """The share's plans from its worker, or None if the coordinator must plan it: no worker
    took it yet (taken back), or it failed, timed out or answered for other characters."""
    try:
        if result.state == "PENDING":  # queued, not started (the task tracks its start)
            result.revoke()
            logger.info("tick share %s not started by any worker: planned by the coordinator", result.id)
            return None
        rows = result.get(timeout=settings.TICK_FANOUT_TIMEOUT_SECONDS, disable_sync_subtasks=False)
    except Exception as error:  # a worker gone, a timeout, a broken backend: plan it here
        logger.warning("tick share %s not planned by a worker (%r): planned by the coordinator", result.id, error)
        return None
    finally:
        _forget(result)
    if rows is None or len(rows) != len(part):
        return None
    plans = [plan_from_json(batch_rows) for batch_rows in rows]
    if any(not {plan.id for plan in planned} <= set(batch) for planned, batch in zip(plans, part, strict=True)):
        logger.warning("tick share %s answered for other characters: planned by the coordinator", result.id)
        return None
    return plans


def _forget(result: AsyncResult) -> None:
    try:
        result.forget()
    except Exception:  # an expired result goes by itself
        logger.debug("could not forget tick share %s", result.id, exc_info=True)
