"""A tick fanned out over Celery workers (world.tick_fanout) makes the same world as one process.

Real processes: `manage.py run_ticks` is the tick's coordinator, a Celery worker of its own
plans the shares sent to it, through this suite's Redis; each world has its own database.
"""

from __future__ import annotations

import re
import signal
import time

import pytest

from tests.served.harness import MANAGE, served_world, wait_until

pytestmark = [pytest.mark.served, pytest.mark.slow]

TICKS = 6
SMALL_BATCHES = {"TICK_BATCH_SIZE": "10"}  # the seed world and 60 NPCs: nine batches


def _logs(tmp_path, name: str):
    folder = tmp_path / name
    folder.mkdir()
    return folder


def _world_after_ticks(world, *, worker_concurrency: int = 0, **env: str) -> tuple[str, float]:
    """The event log and final state after TICKS ticks, and how long the ticks took."""
    world.manage("seed_world", "--npcs", "60")
    if worker_concurrency:
        world.start_worker(concurrency=worker_concurrency, **SMALL_BATCHES, **env)
    started = time.monotonic()
    world.manage("run_ticks", str(TICKS), **SMALL_BATCHES, **env)
    took = time.monotonic() - started
    return world.manage("event_log", "--format", "jsonl", "--state"), took


def test_workers_planning_shares_make_the_same_world_as_one_process(tmp_path):
    with served_world(_logs(tmp_path, "one"), redis_db=6, seed=False) as world:
        alone, _ = _world_after_ticks(world)

    with served_world(_logs(tmp_path, "fanned"), redis_db=6, seed=False) as world:
        fanned, _ = _world_after_ticks(world, worker_concurrency=2, TICK_WORKERS="3")
        worker_log = "".join(process.log() for process in world.processes)

    assert len(alone.splitlines()) > 1000
    assert fanned == alone
    # Every tick sent its two other shares, and workers planned them (not the coordinator).
    planned = re.findall(r"Task world\.plan_tick_share\[[^\]]+\] succeeded", worker_log)
    assert len(planned) == 2 * TICKS, worker_log[-3000:]


def test_shares_no_worker_starts_are_planned_by_the_tick_itself_at_once(tmp_path):
    with served_world(_logs(tmp_path, "one"), redis_db=6, seed=False) as world:
        alone, one_took = _world_after_ticks(world)

    # No worker at all: each share is still queued when the coordinator has planned its own,
    # so it takes it back at once, never waiting the (long) timeout.
    with served_world(_logs(tmp_path, "no-worker"), redis_db=6, seed=False) as world:
        taken_back, took = _world_after_ticks(world, TICK_WORKERS="3", TICK_FANOUT_TIMEOUT_SECONDS="120")

    assert taken_back == alone
    assert took < one_took + 30


@pytest.mark.fault
def test_a_worker_killed_mid_share_leaves_nothing_and_the_tick_plans_the_share_itself(tmp_path):
    """Shares only read: a worker lost while it plans one (SIGKILL to its whole process group,
    as a machine lost) has written nothing; the coordinator, its wait for the share timed out,
    plans it itself, and the world is the same as one process makes."""
    with served_world(_logs(tmp_path, "one"), redis_db=6, seed=False) as world:
        alone, _ = _world_after_ticks(world)

    with served_world(_logs(tmp_path, "killed"), redis_db=6, seed=False) as world:
        world.manage("seed_world", "--npcs", "60")
        worker = world.start_worker(concurrency=1, TICK_DRILL_SLEEP_SECONDS="60", **SMALL_BATCHES)
        ticks = world.start(
            "ticks",
            [*MANAGE, "run_ticks", str(TICKS)],
            TICK_WORKERS="2",
            TICK_FANOUT_TIMEOUT_SECONDS="5",
            **SMALL_BATCHES,
        )
        wait_until(lambda: "tick share drill: pausing" in worker.log(), timeout=60, what="a share being planned")
        worker.stop(signal.SIGKILL)
        assert ticks.wait_exit(180) is not None, ticks.log()[-3000:]
        assert ticks.popen.returncode == 0, ticks.log()[-3000:]
        killed = world.manage("event_log", "--format", "jsonl", "--state")
        coordinator_log = ticks.log()

    assert killed == alone
    assert re.search(r"not planned by a worker \(.*\): planned by the coordinator", coordinator_log), coordinator_log
