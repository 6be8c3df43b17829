"""The admin's world dashboard: who may see and use it, and that its buttons do exactly what
they say (a paused world does not tick, resume resumes, a step runs one tick, once)."""

from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from tests.factories import CharacterFactory, LocationFactory, UserFactory, WorldClockFactory
from world import presence
from world.dashboard import duration_plot
from world.models import TickRecord, WorldClock
from world.tasks import step_world_tick
from world.tick import run_tick

pytestmark = pytest.mark.django_db

URL = "/admin/world/worldclock/dashboard/"


@pytest.fixture(autouse=True)
def ticks_in_this_process(settings):
    """The server ticks the world itself (embedded), unless a test says Celery does."""
    settings.REDIS_URL = ""


@pytest.fixture
def little_world(db):
    home = LocationFactory(name="Ash", is_starting_location=True)
    CharacterFactory.create_batch(3, location=home)
    return WorldClockFactory(seed=3)


def clock() -> WorldClock:
    return WorldClock.objects.get()


def post(client, action, tick=None):
    return client.post(URL, {"action": action, "tick": clock().tick if tick is None else tick})


def test_the_dashboard_is_reached_from_the_clock_list(designer_client, little_world):
    assert reverse("admin:world_dashboard") == URL
    assert URL in designer_client.get(reverse("admin:world_worldclock_changelist")).content.decode()


def test_the_dashboard_shows_the_clock_the_last_tick_and_the_plot(designer_client, little_world):
    for _ in range(3):
        run_tick(force=True)
    last = TickRecord.objects.order_by("-tick").first()

    page = designer_client.get(URL).content.decode()

    assert '<td id="world-tick">3</td>' in page
    assert '<strong id="world-state">running</strong>' in page
    assert f"{last.duration_ms} ms (tick 3: 3 characters, {last.events} events)" in page
    # where the last tick's time went, step by step, as its record has it
    steps = ", ".join(f"{step} {ms} ms" for step, ms in last.phases_ms)
    assert f'<td id="last-tick-steps">{steps}' in page and steps.startswith("clock ")
    assert "<polyline" in page and "Run one tick now (tick 4)" in page


def test_the_dashboard_costs_the_same_queries_with_many_ticks_recorded(
    designer_client, little_world, django_assert_max_num_queries
):
    run_tick(force=True)
    with django_assert_max_num_queries(12) as few:
        designer_client.get(URL)
    for _ in range(20):
        run_tick(force=True)
    with django_assert_max_num_queries(len(few)):
        assert designer_client.get(URL).status_code == 200


def test_pause_stops_the_ticks_and_resume_brings_them_back(designer_client, little_world):
    response = post(designer_client, "pause")
    assert response.status_code == 302
    assert clock().paused

    assert run_tick().skipped == "paused"
    assert clock().tick == 0 and not TickRecord.objects.exists()
    assert '<strong id="world-state">paused</strong>' in designer_client.get(URL).content.decode()

    post(designer_client, "resume")
    assert not clock().paused
    assert run_tick().tick == 1


def test_a_step_runs_exactly_one_tick_even_paused_and_never_twice(designer_client, little_world):
    post(designer_client, "pause")

    post(designer_client, "step", tick=0)
    assert clock().tick == 1 and list(TickRecord.objects.values_list("tick", flat=True)) == [1]

    # The same page posted again (a double click, a stale tab) runs nothing more.
    response = post(designer_client, "step", tick=0)
    assert clock().tick == 1
    assert "already moved past" in designer_client.get(response.url).content.decode()
    assert clock().paused  # stepping does not resume the world


def test_with_celery_ticking_a_step_is_queued_for_a_worker(designer_client, little_world, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/6"  # served: workers run the ticks
    with mock.patch.object(step_world_tick, "delay") as delay:
        post(designer_client, "step", tick=0)
    delay.assert_called_once_with(expected_tick=1)
    assert clock().tick == 0  # nothing ran in the web request

    step_world_tick(expected_tick=1)  # what the worker then does
    step_world_tick(expected_tick=1)
    assert clock().tick == 1


def test_people_without_the_clock_permissions_are_refused(client, little_world):
    stranger = UserFactory(is_staff=True)  # staff, but no permissions at all
    client.force_login(stranger)
    assert client.get(URL).status_code == 403
    assert post(client, "pause").status_code == 403

    reader = UserFactory(is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_worldclock"))
    client.force_login(reader)
    assert client.get(URL).status_code == 200
    assert "Run one tick now" not in client.get(URL).content.decode()
    assert post(client, "pause").status_code == 403
    assert post(client, "step").status_code == 403

    player = UserFactory()  # not staff: sent to the admin's login
    client.force_login(player)
    assert client.get(URL).status_code == 302
    assert post(client, "step").status_code == 302

    assert clock().tick == 0 and not clock().paused


def test_a_post_without_the_csrf_token_changes_nothing(designer, little_world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(designer)
    assert post(client, "pause").status_code == 403
    assert not clock().paused


def test_a_malformed_request_changes_nothing(designer_client, little_world):
    designer_client.post(URL, {"action": "explode", "tick": 0})
    designer_client.post(URL, {"action": "step", "tick": "soon"})
    assert clock().tick == 0 and not clock().paused


def test_the_tick_keeps_only_the_newest_records(little_world, monkeypatch):
    monkeypatch.setattr(TickRecord, "KEPT", 3)
    for _ in range(5):
        run_tick(force=True)
    assert list(TickRecord.objects.values_list("tick", flat=True)) == [5, 4, 3]


def test_a_rolled_back_tick_leaves_no_record(little_world):
    assert run_tick(force=True, should_stop=lambda: True).skipped == "cancelled"
    assert not TickRecord.objects.exists()


def test_players_connected_counts_characters_not_tabs():
    before = presence.players_connected()
    presence.connection_opened(101)
    presence.connection_opened(101)
    presence.connection_opened(102)
    assert presence.players_connected() == before + 2
    presence.connection_closed(101)
    assert presence.players_connected() == before + 2
    presence.connection_closed(101)
    presence.connection_closed(102)
    assert presence.players_connected() == before


def test_the_duration_plot_puts_the_slowest_tick_at_the_top():
    plot = duration_plot([10, 40, 20], width=100, height=50)
    assert plot.points == "0.0,37.5 50.0,0.0 100.0,25.0"
    assert plot.max_ms == 40
    assert duration_plot([]) is None


def test_every_admin_page_links_the_dashboard_for_those_who_may_see_it(designer_client, client, little_world):
    assert f'href="{URL}" id="world-dashboard-link"' in designer_client.get("/admin/").content.decode()
    stranger = UserFactory(is_staff=True)
    client.force_login(stranger)
    assert "world-dashboard-link" not in client.get("/admin/").content.decode()
