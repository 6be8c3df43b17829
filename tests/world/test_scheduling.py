"""How the tick is scheduled: Celery Beat's periodic task follows the world clock (served
mode), the Celery task runs the tick, and the embedded loop ticks inside the server."""

import asyncio
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from tests.factories import CharacterFactory, LocationFactory, WorldClockFactory
from world.models import WorldClock
from world.services import TICK_SCHEDULE_NAME, tick_schedule_sync, world_clock_update
from world.tasks import WORLD_TICK_TASK, run_world_tick
from world.tick_loop import run_tick_loop, seconds_until_due


@pytest.fixture
def clock(db):
    CharacterFactory(location=LocationFactory())
    return WorldClockFactory(tick_interval_seconds=30)


def schedule() -> PeriodicTask:
    return PeriodicTask.objects.select_related("interval").get(name=TICK_SCHEDULE_NAME)


def test_the_beat_schedule_follows_the_clock(clock):
    tick_schedule_sync()
    task = schedule()
    assert task.task == WORLD_TICK_TASK and task.enabled
    assert (task.interval.every, task.interval.period) == (30, "seconds")

    world_clock_update(clock=clock, tick_interval_seconds=5, paused=True)
    task = schedule()
    assert task.interval.every == 5 and not task.enabled

    world_clock_update(clock=clock, paused=False)
    tick_schedule_sync()  # again: still one task, never deleted and recreated
    assert PeriodicTask.objects.filter(name=TICK_SCHEDULE_NAME).count() == 1
    assert schedule().enabled and schedule().id == task.id


def test_a_designer_pauses_and_resumes_the_world_in_the_admin(designer_client, clock):
    url = reverse("admin:world_worldclock_changelist")
    designer_client.post(url, {"action": "pause_world", "_selected_action": [clock.pk]})
    assert WorldClock.objects.get().paused and not schedule().enabled

    designer_client.post(url, {"action": "resume_world", "_selected_action": [clock.pk]})
    assert not WorldClock.objects.get().paused and schedule().enabled

    change = reverse("admin:world_worldclock_change", args=[clock.pk])
    response = designer_client.post(
        change,
        {"world_time_0": "1247-03-21", "world_time_1": "06:00:00", "time_scale": "30", "tick_interval_seconds": "10"},
    )
    assert response.status_code == 302
    assert WorldClock.objects.get().tick_interval_seconds == 10 and schedule().interval.every == 10


def test_a_bad_interval_is_a_form_error(designer_client, clock):
    change = reverse("admin:world_worldclock_change", args=[clock.pk])
    response = designer_client.post(
        change,
        {"world_time_0": "1247-03-21", "world_time_1": "06:00:00", "time_scale": "0", "tick_interval_seconds": "0"},
    )
    assert response.status_code == 200
    assert set(response.context["adminform"].errors) == {"time_scale", "tick_interval_seconds"}


def test_the_celery_task_runs_one_tick_and_refuses_a_duplicate(clock):
    first = run_world_tick()
    assert (first["tick"], first["skipped"]) == (1, "") and first["events"] >= 1
    assert run_world_tick()["skipped"] == "too_soon"  # Beat sent it twice
    assert WorldClock.objects.get().tick == 1


def test_seconds_until_due(clock):
    assert seconds_until_due() == 0.0  # never ticked
    WorldClock.objects.update(last_tick_at=timezone.now() - timedelta(seconds=10))
    assert 19 < seconds_until_due() <= 20
    WorldClock.objects.update(paused=True)
    assert seconds_until_due() is None


@pytest.mark.django_db(transaction=True)
async def test_the_embedded_loop_ticks_when_due_and_not_while_paused():
    await database_sync_to_async(lambda: CharacterFactory(location=LocationFactory()))()
    await database_sync_to_async(WorldClockFactory)(tick_interval_seconds=1)
    get_tick = database_sync_to_async(lambda: WorldClock.objects.get().tick)

    loop = asyncio.ensure_future(run_tick_loop())
    await asyncio.sleep(2.5)
    ticks = await get_tick()
    await database_sync_to_async(lambda: WorldClock.objects.update(paused=True))()
    await asyncio.sleep(1.5)
    paused_at = await get_tick()
    await asyncio.sleep(1.5)
    loop.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loop

    assert 2 <= ticks <= 4
    assert await get_tick() == paused_at
