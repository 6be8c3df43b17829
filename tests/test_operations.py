"""What operators see: /healthz, /readyz, /metrics, JSON logs in served mode."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

import htrae.health
from tests.factories import CharacterFactory, LocationFactory, WorldClockFactory
from tests.test_settings_safety import STRONG_KEY, run_settings
from world.models import Character, WorldClock
from world.tick import run_tick


@pytest.fixture
def ticking(db):
    clock = WorldClockFactory(tick=7, last_tick_at=timezone.now(), tick_interval_seconds=30)
    place = LocationFactory(is_starting_location=True)
    CharacterFactory(location=place)
    CharacterFactory(location=place, kind=Character.Kind.SPECTRA, name="Spectra")
    return clock


def test_healthz_answers_without_touching_anything(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_is_ready_while_the_world_ticks(client, ticking):
    response = client.get("/readyz")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ready"] is True and body["database"] == "ok" and body["tick"] == "fresh"


def test_readyz_is_not_ready_when_the_tick_has_stopped(client, ticking):
    WorldClock.objects.update(last_tick_at=timezone.now() - timedelta(seconds=3 * 30 + 5))

    response = client.get("/readyz")

    assert response.status_code == 503 and response["Retry-After"]
    assert response.json()["ready"] is False and response.json()["tick"] == "stale"


def test_readyz_is_ready_when_paused_on_purpose_and_not_without_a_world(client, ticking):
    WorldClock.objects.update(paused=True, last_tick_at=timezone.now() - timedelta(days=1))
    assert client.get("/readyz").json()["tick"] == "paused"
    assert client.get("/readyz").status_code == 200

    WorldClock.objects.all().delete()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["tick"] == "no world"


def test_readyz_is_not_ready_when_redis_does_not_answer(client, ticking, settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there: a real refused connection
    monkeypatch.setattr(htrae.health, "_redis_client", None)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["redis"] == "down" and response.json()["ready"] is False


def _metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in the metrics")


def test_metrics_show_the_world_and_this_processs_ticks(client, ticking):
    before = client.get("/metrics").content.decode()
    ran_before = _metric(before, 'htrae_ticks_total{outcome="ran"}') if 'outcome="ran"' in before else 0.0

    assert run_tick(force=True).ran
    response = client.get("/metrics")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert _metric(text, "htrae_world_tick") == 8
    assert _metric(text, "htrae_world_paused") == 0
    assert _metric(text, 'htrae_world_characters{kind="npc"}') == 1
    assert _metric(text, 'htrae_ticks_total{outcome="ran"}') == ran_before + 1
    assert _metric(text, "htrae_world_last_tick_seconds") >= 0  # the tick's record, wherever it ran
    assert _metric(text, "htrae_world_last_tick_characters") == 2
    assert "htrae_action_ack_seconds_bucket" in text and "htrae_lock_conflicts_total" in text


def test_metrics_time_each_step_of_a_tick_here_and_wherever_it_ran(client, ticking):
    """Operators see where a tick's time goes: this process's histogram by step, and the last
    tick's record (a Celery worker's tick in served mode) by step."""
    from world.models import TickRecord

    steps = ["clock", "load", "plan", "apply"]
    steps += ["minds", "quests", "factions", "feelings", "memory", "gossip", "opinions"]

    def counts(text: str) -> dict[str, float]:
        return {
            step: _metric(text, f'htrae_tick_phase_seconds_count{{phase="{step}"}}') if f'phase="{step}"' in text else 0
            for step in steps
        }

    before = counts(client.get("/metrics").content.decode())
    result = run_tick(force=True)
    text = client.get("/metrics").content.decode()

    assert list(result.phases) == steps  # in the order they ran
    assert sum(result.phases.values()) <= result.seconds
    assert counts(text) == {step: count + 1 for step, count in before.items()}
    record = TickRecord.objects.get(tick=result.tick)
    assert [step for step, _ in record.phases_ms] == steps  # in order, on PostgreSQL's jsonb too
    assert all(isinstance(ms, int) and ms >= 0 for _, ms in record.phases_ms)
    for step, ms in record.phases_ms:
        assert _metric(text, f'htrae_world_last_tick_phase_seconds{{phase="{step}"}}') == ms / 1000


def test_metrics_time_the_commit_and_broadcast_after_each_tick(client, ticking, django_capture_on_commit_callbacks):
    """What players wait for after a tick's work: its commit, building its frames, sending them."""

    def counts() -> dict[str, float]:
        text = client.get("/metrics").content.decode()
        return {
            stage: _metric(text, f'htrae_tick_broadcast_seconds_count{{stage="{stage}"}}')
            if f'stage="{stage}"' in text
            else 0.0
            for stage in ("commit", "build", "send")
        }

    before = counts()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert run_tick(force=True).ran
    assert callbacks  # the broadcast waits for the commit
    assert counts() == {stage: count + 1 for stage, count in before.items()}


def test_metrics_need_the_token_when_one_is_set(client, ticking, settings):
    settings.METRICS_TOKEN = "scrape-secret"

    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret").status_code == 200


def test_served_mode_logs_one_json_object_a_line():
    code = "import django, logging; django.setup(); logging.getLogger('htrae.check').warning('the tick is late')"
    result = run_settings(code, SECRET_KEY=STRONG_KEY)

    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "the tick is late" and line["level"] == "WARNING" and line["logger"] == "htrae.check"


def test_celery_workers_and_beat_log_one_json_object_a_line_too():
    """A worker or Beat sets its logging up as it starts (`app.log.setup`): it keeps the
    project's, not Celery's own plain-text handler on the root logger."""
    code = (
        "import django, logging; django.setup(); from htrae.celery import app; "
        "app.log.setup(loglevel='INFO'); "
        "logging.getLogger('celery.app.trace').info('Task world.run_world_tick succeeded')"
    )
    result = run_settings(code, SECRET_KEY=STRONG_KEY, REDIS_URL="redis://127.0.0.1:6379/15")

    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "Task world.run_world_tick succeeded" and line["logger"] == "celery.app.trace"


def test_log_format_refuses_what_it_does_not_know():
    result = run_settings(SECRET_KEY=STRONG_KEY, LOG_FORMAT="xml")

    assert result.returncode != 0 and "LOG_FORMAT must be json or plain" in result.stderr
