"""Real processes for served-mode tests: a private database, the web server, Celery.

Served-mode faults only show between real processes (daphne, Celery, Redis, PostgreSQL), so
these tests start them as an operator's `make up` does, each on its own port, database and
Redis database, and end everything they start. `ServedWorld` is the handle:

    with ServedWorld.create(redis_url=...) as world:     # a fresh, migrated, seeded database
        web = world.start_web()                          # manage.py serve --no-tick
        player = world.register("wren")                  # over HTTP
        async with world.websocket(player.token) as ws:  # a real WebSocket client
            ...

Everything runs from this checkout's interpreter (`sys.executable`).

Fault drills need servers they may stop: `PrivateRedis` (a redis-server of their own) and
`PrivatePostgres` (a throwaway cluster made with initdb); pass their URLs to
`ServedWorld.create`. Never stop the shared servers: other people use them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "manage.py")]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CELERY = [sys.executable, "-m", "celery", "-A", "htrae"]


def served_urls() -> tuple[str, str] | None:
    """(DATABASE_URL, REDIS_URL) when the suite runs against PostgreSQL and Redis, else None."""
    database, redis = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if database.startswith(("postgres://", "postgresql://")) and redis.startswith("redis://"):
        return database, redis
    return None


async def frame_of(ws, kind: str, *, timeout: float = 15.0, where=lambda frame: True) -> dict:
    """The next frame of type `kind` (and matching `where`) a client's socket receives,
    within `timeout` seconds; the frames before it are passed over."""
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == kind and where(frame):
                return frame


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_url_with_db(redis_url: str, db: int) -> str:
    parts = urlsplit(redis_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def database_url_named(database_url: str, name: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def wait_until(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


@dataclass
class Player:
    username: str
    token: str
    character_id: int
    location_id: int


@dataclass
class ServedProcess:
    name: str
    popen: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.popen.poll() is None

    def send(self, sig: int, *, group: bool = False) -> None:
        """Send `sig` to the process (as a terminal's Ctrl-C reaches one program) or its group."""
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(self.popen.pid, sig)
            else:
                self.popen.send_signal(sig)

    def wait_exit(self, timeout: float) -> float | None:
        """Seconds it took to exit, or None if it is still running after `timeout`."""
        started = time.monotonic()
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        return time.monotonic() - started

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int | None:
        """Signal the process group, wait, then kill what is left. Returns the exit code."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(10)
        return self.popen.returncode


@dataclass
class ServedWorld:
    """A private served-mode world: its own PostgreSQL database and Redis database."""

    database_url: str
    redis_url: str
    admin_url: str  # the server's maintenance database, to create and drop ours
    database_name: str
    log_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: list[ServedProcess] = field(default_factory=list)
    web_port: int | None = None  # the `web` process (daphne)
    http_port: int | None = None  # the `http` process (gunicorn)
    proxy_port: int | None = None  # nginx in front of both (deploy/nginx.conf)

    @classmethod
    def create(
        cls,
        *,
        database_url: str,
        redis_url: str,
        redis_db: int,
        log_dir: Path,
        seed: bool = True,
        extra_env: dict[str, str] | None = None,
        name: str | None = None,
    ) -> ServedWorld:
        """`name`: the database's name (default: a fresh `htrae_served_...`, or with the prefix
        in SERVED_DATABASE_PREFIX); it must not exist."""
        # SERVED_DATABASE_PREFIX: where several checkouts share one server, each its own names.
        name = name or f"{os.environ.get('SERVED_DATABASE_PREFIX', 'htrae_served_')}{uuid.uuid4().hex[:10]}"
        world = cls(
            database_url=database_url_named(database_url, name),
            redis_url=redis_url_with_db(redis_url, redis_db),
            admin_url=database_url_named(database_url, "postgres"),
            database_name=name,
            log_dir=log_dir,
            extra_env=dict(extra_env or {}),
        )
        with psycopg.connect(_libpq(world.admin_url), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        world.flush_redis()
        world.manage("migrate", "--noinput", "-v0")
        if seed:
            world.manage("seed_world")
        return world

    # --- environment and commands --------------------------------------------------------

    def env(self, **overrides: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "DJANGO_SETTINGS_MODULE", "CELERY_"))
        }
        env.update(
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            SECRET_KEY=env.get("SERVED_TEST_SECRET_KEY", "served-test-" + "k" * 60),
            DEBUG="false",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_COOKIES="false",
            PYTHONUNBUFFERED="1",
            CONN_MAX_AGE="0",
            LOG_LEVEL="INFO",
        )
        env.update(self.extra_env)
        env.update(overrides)
        return env

    def manage(self, *args: str, timeout: float = 300, **env: str) -> str:
        done = subprocess.run(
            [*MANAGE, *args], cwd=ROOT, env=self.env(**env), capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def sql(self, query: str, *params) -> list[tuple]:
        with psycopg.connect(_libpq(self.database_url), autocommit=True) as conn:
            cursor = conn.execute(query, params or None)
            return cursor.fetchall() if cursor.description else []

    def flush_redis(self) -> None:
        import redis

        with contextlib.suppress(redis.exceptions.ConnectionError):
            redis.Redis.from_url(self.redis_url).flushdb()

    def start(self, name: str, argv: list[str], **env: str) -> ServedProcess:
        log_path = self.log_dir / f"{name}-{len(self.processes)}.log"
        log = log_path.open("w")
        popen = subprocess.Popen(
            argv, cwd=ROOT, env=self.env(**env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        process = ServedProcess(name=name, popen=popen, log_path=log_path)
        self.processes.append(process)
        return process

    # --- the processes `make up` runs --------------------------------------------------

    def start_web(self, *, port: int | None = None, **env: str) -> ServedProcess:
        self.web_port = port or free_port()
        # PORT as the Procfile sets it: the default WebSocket origins are derived from it.
        argv = [*MANAGE, "serve", "--no-tick", "--port", str(self.web_port)]
        web = self.start("web", argv, **{"PORT": str(self.web_port), **env})
        wait_until(lambda: self._web_answers(web), timeout=30, what=f"the web process on port {self.web_port}")
        return web

    def start_http(self, *, port: int | None = None, workers: int | None = None, **env: str) -> ServedProcess:
        """The Procfile's `http` process: gunicorn serving plain HTTP through WSGI, on
        `http_port` (`http_process_base`)."""
        self.http_port = port or free_port()
        argv = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "htrae" / "gunicorn_conf.py"), "htrae.wsgi"]
        settings = {"HTTP_PORT": str(self.http_port), **({"HTTP_WORKERS": str(workers)} if workers else {}), **env}
        http = self.start("http", argv, **settings)
        base = self.http_process_base
        wait_until(lambda: self._answers(http, base), timeout=30, what=f"gunicorn on port {self.http_port}")
        return http

    def start_proxy(self, *, port: int | None = None) -> ServedProcess:
        """nginx with `deploy/nginx.conf` in front of `web` and `http` (both started first), on
        `proxy_port` (`proxy_base`)."""
        self.proxy_port = port or free_port()
        config = (ROOT / "deploy" / "nginx.conf").read_text()
        ports = {"8080": self.proxy_port, "8000": self.web_port, "8001": self.http_port}
        for shipped, port in ports.items():
            if f"127.0.0.1:{shipped};" not in config:
                raise RuntimeError(f"deploy/nginx.conf no longer names 127.0.0.1:{shipped}")
            config = config.replace(f"127.0.0.1:{shipped};", f"127.0.0.1:{port};")
        prefix = Path(tempfile.mkdtemp(prefix="nginx-", dir=self.log_dir))
        (prefix / "nginx.conf").write_text(config)
        argv = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]
        proxy = self.start("proxy", argv)
        wait_until(lambda: self._answers(proxy, self.proxy_base), timeout=20, what=f"nginx on port {self.proxy_port}")
        return proxy

    def start_behind_proxy(
        self, *, http_workers: int | None = None, **env: str
    ) -> tuple[ServedProcess, ServedProcess, ServedProcess]:
        """`web` and `http` behind nginx, as an operator serves them: the web process allows
        the proxy's origin for WebSockets. `env` goes to both. Returns (web, http, proxy)."""
        port = free_port()
        web = self.start_web(WEBSOCKET_ALLOWED_ORIGINS=f"http://127.0.0.1:{port}", **env)
        http = self.start_http(workers=http_workers, **env)
        return web, http, self.start_proxy(port=port)

    def start_worker(self, *, concurrency: int = 1, name: str = "worker", **env: str) -> ServedProcess:
        argv = [
            *CELERY,
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            f"--hostname={name}-{uuid.uuid4().hex[:6]}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
        # its "ready." line is logged at INFO: a caller's quieter LOG_LEVEL (the benchmarks'
        # WARNING) would hide it, now that workers log through the project's LOGGING
        worker = self.start(name, argv, **{"LOG_LEVEL": "INFO", **env})
        wait_until(lambda: "ready." in worker.log(), timeout=60, what="the Celery worker")
        return worker

    def start_beat(self, **env: str) -> ServedProcess:
        schedule = self.log_dir / f"beat-{len(self.processes)}.pid"
        argv = [
            *CELERY,
            "beat",
            "--loglevel=INFO",
            "--scheduler",
            "django_celery_beat.schedulers:DatabaseScheduler",
            f"--pidfile={schedule}",
        ]
        return self.start("beat", argv, **env)

    def schedule_ticks(self, every: int | None = None) -> None:
        """Point Beat's schedule at the world clock (`make up` runs this before honcho),
        after setting the clock's interval to `every` seconds if given."""
        if every is not None:
            self.sql("UPDATE world_worldclock SET tick_interval_seconds = %s WHERE id = 1", every)
        self.manage("sync_tick_schedule")

    def ticks_run(self) -> list[int]:
        """Tick numbers the world committed, one per tick: Spectra's emotion samples (her arc
        is sampled every tick, inside the tick's transaction)."""
        rows = self.sql(
            "SELECT s.tick FROM spectra_emotionsample s JOIN world_character c ON c.id = s.character_id "
            "WHERE c.kind = 'spectra' ORDER BY s.tick, s.id"
        )
        return [row[0] for row in rows]

    def connection_sampler(self) -> ConnectionSampler:
        """Counts this world's connections in pg_stat_activity while in its `with` block."""
        return ConnectionSampler(_libpq(self.admin_url), self.database_name)

    def clock_tick(self) -> int:
        return self.sql("SELECT tick FROM world_worldclock WHERE id = 1")[0][0]

    def _web_answers(self, web: ServedProcess) -> bool:
        return self._answers(web, self.http_base)

    @staticmethod
    def _answers(process: ServedProcess, base: str) -> bool:
        if not process.alive():
            raise RuntimeError(f"the {process.name} process exited:\n{process.log()}")
        try:
            return httpx.get(f"{base}/api/world/time", timeout=2).status_code in (200, 401, 403)
        except httpx.HTTPError:
            return False

    # --- clients -------------------------------------------------------------------------

    @property
    def http_base(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def http_process_base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def proxy_base(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    @property
    def origin(self) -> str:
        """What a browser on the world's page sends: the proxy's origin when one is in front."""
        return self.proxy_base if self.proxy_port else self.http_base

    def register(self, username: str, password: str = "lanterns-over-the-marsh") -> Player:
        base = self.http_base if self.web_port else self.http_process_base
        response = httpx.post(
            f"{base}/api/auth/register", json={"username": username, "password": password}, timeout=20
        )
        assert response.status_code == 201, response.text
        body = response.json()
        character = body["character"]
        return Player(username, body["token"], character["id"], character["location"]["id"])

    def websocket(self, token: str, **options):
        """An async context manager: a `websockets` client connection to /ws/simulation
        (through the proxy, when one was started)."""
        from websockets.asyncio.client import connect

        url = f"ws://127.0.0.1:{self.proxy_port or self.web_port}/ws/simulation?token={token}"
        return connect(url, origin=self.origin, open_timeout=20, max_size=2**22, **options)

    # --- teardown ----------------------------------------------------------------------

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def destroy(self) -> None:
        self.stop_all()
        self.flush_redis()
        with psycopg.connect(_libpq(self.admin_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')

    def __enter__(self) -> ServedWorld:
        return self

    def __exit__(self, *exc) -> None:
        self.destroy()


class ConnectionSampler:
    """The most connections to one database at once (`peak`), sampled from pg_stat_activity
    every `every` seconds while in its `with` block; its own connection is not counted."""

    def __init__(self, admin_url: str, database: str, every: float = 0.05):
        self.admin_url, self.database, self.every = admin_url, database, every
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ConnectionSampler:
        self.peak = 0
        self._stop.clear()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            while not self._stop.is_set():
                count = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    (self.database,),
                ).fetchone()[0]
                self.peak = max(self.peak, count)
                self._stop.wait(self.every)


def _libpq(url: str) -> str:
    """postgres:// URLs as libpq takes them (it does not know the `postgres+psycopg` forms)."""
    return url.replace("postgresql+psycopg://", "postgresql://")


@contextlib.contextmanager
def served_world(
    tmp_path: Path, *, redis_db: int, database_url: str | None = None, redis_url: str | None = None, **options
) -> Iterator[ServedWorld]:
    """A world on the suite's PostgreSQL and Redis, or on the private servers given."""
    urls = served_urls()
    assert urls is not None or (database_url and redis_url)
    world = ServedWorld.create(
        database_url=database_url or urls[0],
        redis_url=redis_url or urls[1],
        redis_db=redis_db,
        log_dir=tmp_path,
        **options,
    )
    try:
        yield world
    finally:
        world.destroy()


# --- private servers for fault drills --------------------------------------------------------


def _wait_port(port: int, *, timeout: float, up: bool = True) -> None:
    def answers() -> bool:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            return probe.connect_ex(("127.0.0.1", port)) == 0

    wait_until((lambda: answers()) if up else (lambda: not answers()), timeout=timeout, what=f"port {port}")


class PrivateRedis:
    """A redis-server of the drill's own (no persistence), stopped and started at will."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.log_dir = log_dir
        self.popen: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = (self.log_dir / "redis.log").open("a")
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        argv += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.popen = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_port(self.port, timeout=10)

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        self.popen = None


class PrivatePostgres:
    """A throwaway PostgreSQL cluster (initdb in a temporary folder, trust auth, its own port
    and socket folder). As root, the server runs as the `postgres` user."""

    BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="htrae-pg-"))
        self.data = self.root / "data"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    @classmethod
    def available(cls) -> bool:
        return (cls.BIN / "initdb").exists()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *argv: str, timeout: float = 60) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        subprocess.run([*prefix, *argv], check=True, capture_output=True, timeout=timeout)

    def init(self) -> None:
        self._run(str(self.BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = self.root / "server.log"
        self._run(str(self.BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(log), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(str(self.BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
