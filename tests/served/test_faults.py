"""Fault drills: served mode (web + worker + beat) survives what operators meet.

Each drill starts real processes (tests/served/harness.py) and breaks something on purpose:
Redis stopped for seconds, PostgreSQL restarted mid-tick, a worker SIGKILLed mid-tick, two
Beats at once. Servers a drill stops are private to it (`private_redis`, `private_postgres`);
the suite's PostgreSQL and Redis are never touched. `TICK_DRILL_SLEEP_SECONDS` holds each
tick open inside its transaction, so a fault can land mid-tick.

The tick guarantee checked throughout (docs/architecture.md): tick numbers are contiguous and
each commits once; an interval missed during an outage is not replayed.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import signal
import time

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.served.harness import PrivateRedis, ServedWorld, frame_of, served_world, wait_until

pytestmark = [pytest.mark.fault, pytest.mark.served]

INTERVAL = 2  # seconds between ticks in the drills
OUTAGE_SECONDS = 8


def get(world: ServedWorld, path: str, token: str | None = None, timeout: float = 10) -> httpx.Response:
    headers = {"Authorization": f"Token {token}"} if token else {}
    return httpx.get(f"{world.http_base}{path}", headers=headers, timeout=timeout)


def assert_answers_without_500(response: httpx.Response) -> None:
    """During an outage: an answer, or 503 in the error shape; never a 500."""
    assert response.status_code != 500, response.text
    if response.status_code == 503 and response.request.url.path.startswith("/api/"):
        body = response.json()
        assert body["code"] == "unavailable" and body["message"], body


def assert_ticks_whole(world: ServedWorld) -> list[int]:
    """Every tick committed once, in order, none skipped: 1, 2, ..., the clock's tick."""
    ticks = world.ticks_run()
    assert ticks == list(range(1, world.clock_tick() + 1)), ticks
    return ticks


async def frame(ws, timeout: float = 15.0) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


@pytest.fixture
def redis_world(tmp_path, private_redis: PrivateRedis):
    """A served world on the suite's PostgreSQL and a private Redis this drill may stop."""
    with served_world(tmp_path, redis_db=0, redis_url=private_redis.url) as world:
        world.schedule_ticks(every=INTERVAL)
        yield world


def test_a_redis_outage_is_survived(redis_world: ServedWorld, private_redis: PrivateRedis):
    world = redis_world
    world.start_web()
    world.start_worker()
    beat = world.start_beat()
    player = world.register("outage-watcher")

    async def scenario() -> dict:
        seen: dict = {}
        async with world.websocket(player.token) as ws:
            await frame_of(ws, "world_update", where=lambda f: f["tick"] >= 2, timeout=30)
            seen["before"] = world.clock_tick()
            seen["last_event"] = get(world, "/api/events?after=0&limit=500", player.token).json()["last_id"]

            private_redis.stop()
            outage_began = time.monotonic()
            # A client connected through the outage is told to come back later, not that the
            # server broke: 1013, never 1011.
            with pytest.raises(ConnectionClosed):
                while True:
                    await frame(ws, timeout=OUTAGE_SECONDS)
            seen["close_code"] = ws.close_code

        # HTTP answers throughout: 503 `unavailable` for what needs Redis, the rest as usual.
        statuses = set()
        while time.monotonic() - outage_began < OUTAGE_SECONDS:
            health = get(world, "/api/health")
            assert health.status_code == 503, health.text
            assert_answers_without_500(health)
            for path in ("/api/world/time", "/api/world/state", "/"):
                response = get(world, path, player.token)
                assert_answers_without_500(response)
                statuses.add(response.status_code)
            # A new socket during the outage is refused with 1013 too (or answered, never 1011).
            try:
                async with world.websocket(player.token) as ws:
                    await frame(ws, timeout=5)
            except ConnectionClosed as closed:
                assert closed.rcvd is None or closed.rcvd.code == 1013, closed
            await asyncio.sleep(0.5)
        seen["statuses"] = statuses
        seen["ticks_during_outage"] = world.clock_tick() - seen["before"]

        private_redis.start()
        back = time.monotonic()
        wait_until(lambda: get(world, "/api/health").status_code == 200, timeout=15, what="health after Redis")
        # Reconnecting clients succeed, see the world move again, and catch up on what they missed.
        async with world.websocket(player.token) as ws:
            assert (await frame(ws))["type"] == "world_update"
            resumed = await frame_of(ws, "world_update", where=lambda f: f["tick"] > seen["before"], timeout=30)
            seen["resumed_after"] = time.monotonic() - back
            seen["resumed_tick"] = resumed["tick"]
        missed = get(world, f"/api/events?after={seen['last_event']}&limit=500", player.token)
        assert missed.status_code == 200
        seen["missed"] = missed.json()["results"]
        return seen

    seen = asyncio.run(scenario())
    assert seen["close_code"] == 1013, seen
    assert seen["ticks_during_outage"] <= 1, seen  # at most the tick that was under way
    assert seen["resumed_after"] < INTERVAL + 12, seen  # the next interval, plus the worker's reconnect
    assert seen["missed"] and all(event["id"] > seen["last_event"] for event in seen["missed"])
    assert beat.alive(), beat.log()
    assert world.sql("SELECT count(*) FROM django_celery_beat_periodictask WHERE task = 'world.run_world_tick'")[0][0]
    assert_ticks_whole(world)
    web_log = world.processes[0].log()
    assert "1011" not in web_log and "Exception inside application" not in web_log, web_log


def tick_in_flight(world: ServedWorld, worker, *, after: int, timeout: float = 40) -> int:
    """Wait until `worker` is inside a tick (held open by the drill pause) and return the
    clock's committed tick then: the tick in flight is that plus one."""

    def paused_count() -> int:
        return worker.log().count("tick drill: pausing")

    wait_until(lambda: paused_count() > after, timeout=timeout, what="a tick in flight")
    time.sleep(0.5)  # well inside the pause
    return world.clock_tick()


def test_postgresql_restarted_mid_tick(tmp_path, private_postgres, private_redis):
    """The tick under way rolls back whole, the next one runs; the web answers 503 while the
    database is down and recovers after (persistent connections, health-checked)."""
    with served_world(tmp_path, redis_db=0, redis_url=private_redis.url, database_url=private_postgres.url) as world:
        world.schedule_ticks(every=INTERVAL)
        world.start_web(CONN_MAX_AGE="60")  # persistent connections: CONN_HEALTH_CHECKS must notice
        worker = world.start_worker(TICK_DRILL_SLEEP_SECONDS="3", CONN_MAX_AGE="60")
        world.start_beat()
        player = world.register("pg-watcher")
        assert get(world, "/api/world/time", player.token).status_code == 200
        committed = tick_in_flight(world, worker, after=0)

        private_postgres.stop(mode="fast")  # terminates every session: the tick's too
        for _ in range(6):
            for path in ("/api/world/time", "/api/health", "/"):
                response = get(world, path, player.token)
                assert response.status_code == 503, (path, response.status_code, response.text)
                assert_answers_without_500(response)
            time.sleep(0.5)
        private_postgres.start()

        wait_until(lambda: get(world, "/api/world/time", player.token).status_code == 200, timeout=20, what="web")
        wait_until(lambda: world.clock_tick() >= committed + 2, timeout=40, what="ticks after the restart")
        assert_ticks_whole(world)
        assert worker.alive(), worker.log()
        assert "Exception inside application" not in world.processes[0].log()


@pytest.mark.redis_db(14)
def test_a_worker_killed_mid_tick(world: ServedWorld):
    """SIGKILL mid-tick: PostgreSQL rolls the tick back when the connection dies, the next Beat
    message runs that tick number again on another worker; none skipped, none doubled."""
    world.schedule_ticks(every=INTERVAL)
    doomed = world.start_worker(name="doomed", TICK_DRILL_SLEEP_SECONDS="4")
    world.start_beat()
    committed = tick_in_flight(world, doomed, after=0)
    doomed.send(signal.SIGKILL, group=True)  # the main process and its pool
    doomed.popen.wait(10)
    time.sleep(1)
    assert world.clock_tick() == committed  # rolled back: the half-done tick left nothing
    assert (
        world.sql(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'world_worldclock' AND l.mode = 'RowShareLock'"
        )[0][0]
        == 0
    )

    world.start_worker(name="survivor")
    wait_until(lambda: world.clock_tick() >= committed + 2, timeout=30, what="ticks on the surviving worker")
    ticks = assert_ticks_whole(world)
    assert committed + 1 in ticks  # the killed tick's number ran again, once


@pytest.mark.redis_db(15)
def test_two_beats_tick_once_per_interval(world: ServedWorld):
    """Two Beats send every tick twice; the clock row lock and the spacing rule let one run."""
    world.schedule_ticks(every=INTERVAL)
    worker = world.start_worker(concurrency=2)  # duplicates may run at the same moment
    beats = [world.start_beat(), world.start_beat()]
    started = time.monotonic()
    wait_until(lambda: world.clock_tick() >= 6, timeout=40, what="six ticks")
    elapsed = time.monotonic() - started
    assert all(beat.alive() for beat in beats)
    ticks = assert_ticks_whole(world)
    assert len(ticks) <= elapsed / INTERVAL + 1, (len(ticks), elapsed)
    refused = len(re.findall(r"'skipped': '(too_soon|busy)'", worker.log()))
    assert refused >= 3, worker.log()  # the second Beat's messages arrived, and were refused
    moments = world.sql(
        "SELECT s.timestamp FROM spectra_emotionsample s JOIN world_character c ON c.id = s.character_id "
        "WHERE c.kind = 'spectra' ORDER BY s.tick"
    )
    gaps = [(b[0] - a[0]).total_seconds() for a, b in itertools.pairwise(moments)]
    assert min(gaps) >= INTERVAL * 0.5, gaps
