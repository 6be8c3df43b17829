"""A real embedded-mode server and a real Chromium for the browser tests and the screenshots.

`LiveWorld` migrates and seeds a throwaway SQLite file, then runs `manage.py serve` on it
(the in-process tick at TICK_INTERVAL_SECONDS, the in-memory channel layer: `make run`).
`CuttableProxy` stands between a page and that server so a test can drop the page's
connections, as a flaky network does, while other players stay connected.
`chromium()` launches Debian's /usr/bin/chromium through Playwright: Playwright's own browser
download cannot work here, and is never attempted.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PASSWORD = "lanterns-over-the-marsh"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wanted_ports() -> tuple[int, int]:
    """The server's port and the proxy's: BROWSER_TEST_PORT and the next one, else free ones."""
    base = os.environ.get("BROWSER_TEST_PORT")
    return (int(base), int(base) + 1) if base else (free_port(), free_port())


def wait_until(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


@dataclass
class LiveWorld:
    """A seeded embedded-mode world served on `port` from a private SQLite file."""

    folder: Path
    port: int
    extra_origins: list[str] = field(default_factory=list)
    tick_seconds: int = 3
    popen: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.folder / "serve.log"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_SETTINGS_MODULE", "REDIS_"))}
        env.update(
            DATABASE_URL=f"sqlite:///{self.folder / 'world.sqlite3'}",  # no REDIS_URL: embedded mode
            SECRET_KEY="browser-tests-" + "k" * 50,
            DEBUG="false",  # static files must be served as `make run` serves them without debug
            SECURE_COOKIES="false",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            PORT=str(self.port),
            WEBSOCKET_ALLOWED_ORIGINS=",".join([self.base_url, *self.extra_origins]),
            TICK_INTERVAL_SECONDS=str(self.tick_seconds),
            PYTHONUNBUFFERED="1",
            LOG_LEVEL="INFO",
        )
        return env

    def seed(self) -> None:
        manage = [sys.executable, str(ROOT / "manage.py")]
        for argv in (["migrate", "--noinput", "-v0"], ["seed_world", "-v0"]):
            subprocess.run([*manage, *argv], cwd=ROOT, env=self.env(), check=True, capture_output=True, timeout=300)

    def start(self) -> None:
        with self.log_path.open("a") as log:
            self.popen = subprocess.Popen(
                [sys.executable, str(ROOT / "manage.py"), "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(self._answers, timeout=60, what=f"the server on port {self.port}")

    def _answers(self) -> bool:
        if self.popen.poll() is not None:
            raise RuntimeError(f"the server exited:\n{self.log_path.read_text(errors='replace')}")
        try:
            return httpx.get(f"{self.base_url}/api/health", timeout=2).status_code < 500
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(5)

    def manage(self, *args: str) -> str:
        """A management command on this world's database, beside the running server."""
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    # --- the API, for what a test checks the page against ---------------------------------

    def register(self, username: str) -> dict:
        response = httpx.post(
            f"{self.base_url}/api/auth/register", json={"username": username, "password": PASSWORD}, timeout=20
        )
        assert response.status_code == 201, response.text
        return response.json()

    def get(self, path: str, token: str) -> dict:
        response = httpx.get(f"{self.base_url}{path}", headers={"Authorization": f"Token {token}"}, timeout=20)
        assert response.status_code == 200, response.text
        return response.json()


@contextlib.contextmanager
def live_world(folder: Path, *, port: int, extra_origins: list[str] | None = None) -> Iterator[LiveWorld]:
    world = LiveWorld(folder=folder, port=port, extra_origins=list(extra_origins or []))
    world.seed()
    world.start()
    try:
        yield world
    finally:
        world.stop()


class CuttableProxy:
    """A TCP proxy on `port` to `target_port`, on a thread of its own. `cut()` drops every
    connection through it and refuses new ones until `restore()`: a network outage for the
    pages loaded through it, and for nobody else."""

    def __init__(self, *, port: int, target_port: int):
        self.port = port
        self.target_port = target_port
        self.up = True
        self._loop = asyncio.new_event_loop()
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="cuttable-proxy", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        self._server = self._call(asyncio.start_server(self._serve, "127.0.0.1", self.port))

    def cut(self) -> None:
        self.up = False
        self._call(self._close_all())

    def restore(self) -> None:
        self.up = True

    def stop(self) -> None:
        self.cut()
        self._server.close()
        self._call(self._server.wait_closed())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _close_all(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()  # a reset, not a goodbye: as a network drop looks
        self._writers.clear()

    async def _serve(self, client_reader, client_writer) -> None:
        if not self.up:
            client_writer.transport.abort()
            return
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_writer.transport.abort()
            return
        self._writers.update({client_writer, server_writer})
        await asyncio.gather(
            self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer), return_exceptions=True
        )
        self._writers.difference_update({client_writer, server_writer})

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()


@contextlib.contextmanager
def chromium() -> Iterator:
    """Playwright driving Debian's Chromium; yields the Browser."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def register_in_page(page, base_url: str, username: str) -> None:
    """Open the viewer and register through its form; returns once the WebSocket is live."""
    page.goto(f"{base_url}/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#register")
    page.wait_for_selector("#connection[data-status=open]", timeout=20_000)
    page.wait_for_selector("#place-name:not(:text('…'))", timeout=20_000)
