"""Ctrl-C and SIGTERM stop the servers within seconds, whatever the tick is doing.

Embedded mode (`make run` → `manage.py serve`, the tick in the server's process) on SQLite
with a thousand generated NPCs and a 1 s interval, so a tick is always under way: the
signal lands at several points of a tick, its commit and its on-commit broadcast. Served mode
(`make up` → honcho with web, worker and beat) the same, with a tick slowed by the drill
setting so the signal lands inside it.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.served.harness import ROOT, free_port, wait_until

EXIT_WITHIN_SECONDS = 5.0
# Where, after a tick's log line (a tick committed and broadcast, the next one starting), the
# signal lands: early in the next tick, mid-way, around its commit and broadcast.
SIGNAL_OFFSETS = (0.05, 0.5, 0.9, 1.2, 1.5)
TICK_LINE = re.compile(r"tick (\d+): \d+ characters")
SPECTRA_TICKS = (
    "SELECT s.tick FROM spectra_emotionsample s JOIN world_character c ON c.id = s.character_id "
    "WHERE c.kind = 'spectra' ORDER BY s.tick, s.id"
)
NOISE = ("Traceback", "Task was destroyed", "Exception ignored", "RuntimeError")


def embedded_env(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_SETTINGS_MODULE", "REDIS_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",  # a private SQLite file; no REDIS_URL: in-memory layer
        SECRET_KEY="embedded-drill-" + "k" * 50,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="INFO",
        TICK_INTERVAL_SECONDS="1",
    )
    return env


@pytest.fixture(scope="module")
def big_embedded_world(tmp_path_factory) -> Path:
    """A SQLite world with 1,000 generated NPCs (a tick takes one to two seconds) and a player."""
    folder = tmp_path_factory.mktemp("embedded")
    database = folder / "db.sqlite3"
    env = embedded_env(database)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for argv in (["migrate", "--noinput", "-v0"], ["seed_world", "--npcs", "1000"]):
        subprocess.run([*manage, *argv], cwd=ROOT, env=env, check=True, capture_output=True, timeout=240)
    script = (
        "from world.models import WorldClock; WorldClock.objects.update(tick_interval_seconds=1);"
        "from world.services import player_register;"
        "player_register(username='watcher', password='lanterns-over-the-marsh')"
    )
    subprocess.run([*manage, "shell", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)
    return database


def ticks_logged(log: Path) -> list[int]:
    return [int(n) for n in TICK_LINE.findall(log.read_text(errors="replace"))]


@pytest.mark.fault
@pytest.mark.embedded
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_embedded_serve_stops_within_seconds_at_any_point_of_a_tick(big_embedded_world, tmp_path, sig):
    env = embedded_env(big_embedded_world)
    logged: list[int] = []
    cancelled = 0
    for offset in SIGNAL_OFFSETS:
        port = free_port()
        log = tmp_path / f"serve-{offset}.log"
        with log.open("w") as out:
            serve = subprocess.Popen(
                [sys.executable, str(ROOT / "manage.py"), "serve", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until(lambda: len(ticks_logged(log)) >= 1, timeout=60, what="a first tick")  # noqa: B023
            seen = len(ticks_logged(log))
            wait_until(lambda: len(ticks_logged(log)) > seen, timeout=30, what="the next tick")  # noqa: B023
            time.sleep(offset)
            serve.send_signal(sig)
            started = time.monotonic()
            try:
                serve.wait(EXIT_WITHIN_SECONDS)
            except subprocess.TimeoutExpired:
                pytest.fail(
                    f"serve still running {EXIT_WITHIN_SECONDS} s after {sig!r} at +{offset} s:\n{log.read_text()}"
                )
            took = time.monotonic() - started
        finally:
            if serve.poll() is None:
                os.killpg(serve.pid, signal.SIGKILL)
                serve.wait(10)
        output = log.read_text(errors="replace")
        assert serve.returncode in (0, -sig, 128 + sig), (serve.returncode, output)
        assert not [word for word in NOISE if word in output], output
        assert took < EXIT_WITHIN_SECONDS
        logged += ticks_logged(log)
        cancelled += output.count("tick cancelled before commit")
    # The world is whole: every tick committed once, in order, none skipped (Spectra's arc is
    # sampled inside every tick), and no serve logged a tick twice.
    assert logged == sorted(set(logged)), logged
    with sqlite3.connect(big_embedded_world) as db:
        clock = db.execute("SELECT tick FROM world_worldclock").fetchone()[0]
        sampled = [row[0] for row in db.execute(SPECTRA_TICKS)]
    assert sampled == list(range(1, clock + 1)), sampled
    assert cancelled >= 1, "no signal landed inside a tick: the drill did not test what it should"


def _ignore_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.fault
@pytest.mark.embedded
def test_ctrl_c_stops_a_serve_started_in_the_background(big_embedded_world, tmp_path):
    """A shell starts a background job (`make run &`, a CI script) with SIGINT ignored; the
    server must still stop on it, not leave its ticks running."""
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        serve = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "serve", "--port", str(free_port())],
            cwd=ROOT,
            env=embedded_env(big_embedded_world),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_ignore_ctrl_c,
        )
    try:
        wait_until(lambda: len(ticks_logged(log)) >= 1, timeout=60, what="a first tick")
        serve.send_signal(signal.SIGINT)
        try:
            serve.wait(EXIT_WITHIN_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"serve ignored Ctrl-C for {EXIT_WITHIN_SECONDS} s:\n{log.read_text()}")
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(10)
    assert not [word for word in NOISE if word in log.read_text(errors="replace")]


HONCHO_LINES = re.compile(r"(web|http|worker|beat)\.1 stopped \(rc=(-?\d+)\)")


@pytest.mark.fault
@pytest.mark.served
@pytest.mark.redis_db(14)
@pytest.mark.parametrize(
    ("sig", "moment"),
    [(signal.SIGINT, "mid-tick"), (signal.SIGTERM, "as a tick commits")],
    ids=["ctrl-c-mid-tick", "sigterm-at-commit"],
)
def test_make_up_processes_stop_within_seconds(world, sig, moment):
    """`make up` runs honcho with web, http, worker and beat; a signal to honcho (Ctrl-C in its
    terminal, or SIGTERM from a supervisor) stops all four by themselves, before honcho's
    own SIGKILL after 5 s, whatever the tick is doing."""
    world.schedule_ticks(every=2)
    port = free_port()
    honcho = world.start(
        "honcho",
        [str(Path(sys.executable).with_name("honcho")), "start", "-f", "Procfile"],
        PORT=str(port),
        HTTP_PORT=str(free_port()),
        WORKER_CONCURRENCY="1",
        TICK_DRILL_SLEEP_SECONDS="2",
    )
    world.web_port = port
    wait_until(lambda: "tick drill: pausing" in honcho.log(), timeout=60, what="a tick under way")
    if moment == "mid-tick":
        time.sleep(0.7)
    else:  # the pause ends, then the phases and the commit: signal right at its end
        time.sleep(1.95)
    honcho.send(sig)
    took = honcho.wait_exit(timeout=10)
    output = honcho.log()
    assert took is not None, output
    assert "sending SIGKILL" not in output, output  # every process stopped on its own
    assert {name for name, _ in HONCHO_LINES.findall(output)} == {"web", "http", "worker", "beat"}, output
    assert took < EXIT_WITHIN_SECONDS, (took, output)
    assert "Traceback" not in output, output
    ticks = world.ticks_run()
    assert ticks == list(range(1, world.clock_tick() + 1)), ticks
