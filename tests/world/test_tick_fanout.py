"""Planning a tick's batches in shares (world.tick_fanout) and plans as plain data
(world.tick_batches). The shares planned by real Celery workers: tests/served/test_tick_fanout.py."""

from __future__ import annotations

import pytest

from world.autonomy.perception import world_snapshot_load
from world.models import WorldClock
from world.tick import run_tick
from world.tick_batches import batch_plan, plan_from_json, plan_to_json
from world.tick_fanout import TickMoment, _shares_of, batches_planned, share_plan
from world.voice import grammar_rules_get


def test_shares_are_neighbouring_batches_of_near_equal_size():
    batches = [[1, 2], [3, 4], [5, 6], [7, 8], [9]]
    assert _shares_of(batches, 2) == [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9]]]
    assert _shares_of(batches, 3) == [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9]]]
    assert _shares_of(batches, 9) == [[batch] for batch in batches]  # no empty share
    assert _shares_of(batches, 1) == [batches]


def _moment() -> TickMoment:
    clock = WorldClock.objects.get()
    return TickMoment(tick=clock.tick + 1, seed=clock.seed, world_time=clock.world_time)


@pytest.mark.django_db
def test_a_plan_survives_its_trip_as_json(seeded_world):
    run_tick(force=True)
    moment = _moment()
    snapshot = world_snapshot_load(tick=moment.tick)
    plans = batch_plan(
        snapshot.autonomous_ids,
        snapshot,
        tick=moment.tick,
        seed=moment.seed,
        world_time=moment.world_time,
        talk_rules=grammar_rules_get(),
    )
    assert any(plan.events for plan in plans)
    assert plan_from_json(plan_to_json(plans)) == plans


@pytest.mark.django_db
def test_a_share_is_planned_as_the_tick_would_plan_it(seeded_world):
    run_tick(force=True)
    moment = _moment()
    snapshot = world_snapshot_load(tick=moment.tick)
    ids = list(snapshot.autonomous_ids)
    here = list(batches_planned(ids, snapshot, moment, grammar_rules_get(), batch_size=5, shares=1))

    rows = share_plan(tick=moment.tick, seed=moment.seed, world_time=moment.world_time, batches=[ids[:5], ids[5:10]])

    assert [plan_from_json(batch) for batch in rows] == here[:2]


@pytest.mark.django_db
def test_a_late_or_repeated_share_plans_nothing(seeded_world):
    run_tick(force=True)
    made = WorldClock.objects.get()
    ids = [[made.pk]]
    # the tick it was sent for has committed: the world moved on
    assert share_plan(tick=made.tick, seed=made.seed, world_time=made.world_time, batches=ids) is None
    # a tick that is not the next one
    assert share_plan(tick=made.tick + 2, seed=made.seed, world_time=made.world_time, batches=ids) is None
