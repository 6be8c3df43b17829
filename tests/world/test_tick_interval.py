"""Who sets the pace of the world: TICK_INTERVAL_SECONDS wins over the seed file (also once the
world is seeded), and a designer's change in the admin wins over both until they hand it back."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from narrative.seeding.loader import seed_world
from world.models import WorldClock
from world.services import TICK_SCHEDULE_NAME, tick_interval_apply

pytestmark = pytest.mark.django_db
SEED_INTERVAL = 30  # seed/htrae.yaml


def interval() -> int:
    return WorldClock.objects.get().tick_interval_seconds


def designer_sets_interval(designer_client, seconds: int, *, keep: bool = True):
    change = reverse("admin:world_worldclock_change", args=[WorldClock.SINGLETON_ID])
    form = {"world_time_0": "1247-03-21", "world_time_1": "06:00:00", "time_scale": "60"}
    form["tick_interval_seconds"] = str(seconds)
    if keep:
        form["tick_interval_set_by_designer"] = "on"
    response = designer_client.post(change, form)
    assert response.status_code == 302, response.content


def test_without_the_environment_the_seed_file_sets_the_interval(settings):
    settings.TICK_INTERVAL_SECONDS = None

    seed_world()

    assert interval() == SEED_INTERVAL


def test_the_environment_wins_over_the_seed_file_on_a_fresh_world(settings):
    settings.TICK_INTERVAL_SECONDS = 7

    seed_world()

    assert interval() == 7


def test_the_environment_wins_over_the_seed_file_once_the_world_is_seeded(settings):
    settings.TICK_INTERVAL_SECONDS = None
    seed_world()

    settings.TICK_INTERVAL_SECONDS = 7
    call_command("sync_tick_schedule", stdout=StringIO())  # what `make up` runs at start-up

    assert interval() == 7
    schedule = PeriodicTask.objects.select_related("interval").get(name=TICK_SCHEDULE_NAME)
    assert schedule.interval.every == 7
    seed_world()  # seeding again keeps the environment's
    assert interval() == 7


def test_a_designers_interval_wins_over_the_environment_and_the_seed(settings, designer_client):
    settings.TICK_INTERVAL_SECONDS = 7
    seed_world()

    designer_sets_interval(designer_client, 12, keep=False)  # a change sets the flag by itself
    seed_world()
    tick_interval_apply()

    clock = WorldClock.objects.get()
    assert clock.tick_interval_set_by_designer
    assert clock.tick_interval_seconds == 12


def test_a_designer_hands_the_pace_back_to_the_environment(settings, designer_client):
    settings.TICK_INTERVAL_SECONDS = 7
    seed_world()
    designer_sets_interval(designer_client, 12)

    change = reverse("admin:world_worldclock_change", args=[WorldClock.SINGLETON_ID])
    form = {"world_time_0": "1247-03-21", "world_time_1": "06:00:00", "time_scale": "60"}
    designer_client.post(change, {**form, "tick_interval_seconds": "12"})  # the box cleared

    clock = WorldClock.objects.get()
    assert not clock.tick_interval_set_by_designer
    assert clock.tick_interval_seconds == 7
