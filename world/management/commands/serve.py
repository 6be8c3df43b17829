"""`manage.py serve`: serve the world over HTTP and WebSocket from one ASGI process (daphne).

In embedded mode (no REDIS_URL) it also runs the world tick in the same process
(`world.tick_loop`), since the in-memory channel layer reaches only this process. In served
mode Celery Beat and workers tick, and this is only the web process (`--no-tick`).

Ctrl-C or SIGTERM stops it within seconds at any moment: daphne stops the reactor; before it
does, the tick loop is told to stop (a tick under way rolls back), and broadcasts waiting on
the server's loop give up once it stops (`htrae.background.call_on_server_loop`).

`--processes N` (served mode: `WEB_PROCESSES`) serves from N processes on one port. One
daphne process is one interpreter, and its event loop and the players' actions share one
core's worth of Python (`bench/actions.py`); N processes use N. Each binds the port with
SO_REUSEPORT, so the kernel spreads new connections over them; this process only starts
them, restarts one that dies, and passes Ctrl-C or SIGTERM on. They share nothing but
PostgreSQL and Redis (the channel layer reaches every process's sockets), so it needs
served mode: the in-memory channel layer and the embedded tick live in one process.
"""

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

from channels.routing import get_default_application
from daphne import http_protocol
from daphne.access import AccessLogGenerator
from daphne.endpoints import build_endpoint_description_strings
from daphne.server import Server
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# After the server stopped, how long a tick under way may take to roll back (it checks
# between batches, so well under this), before the process exits without it.
SHUTDOWN_TICK_WAIT_SECONDS = 3.0
# How long the web processes have to stop after Ctrl-C or SIGTERM before they are killed.
SHUTDOWN_PROCESSES_WAIT_SECONDS = 8.0
# A web process that exits on its own sooner than this after it started could not start (a
# bad setting, the port taken): the whole server stops with its exit code. One killed (by the
# kernel's OOM killer, an operator) or that dies later is replaced, up to RESTARTS_PER_MINUTE.
FAILED_START_SECONDS = 10.0
RESTARTS_PER_MINUTE = 5


class Command(BaseCommand):
    help = "Serve Htrae (HTTP and WebSocket) with daphne; in embedded mode, tick the world too."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=None, help="Defaults to $PORT, else 8000.")
        parser.add_argument(
            "--tick",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Run the world tick in this process (default: only in embedded mode, without REDIS_URL).",
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="Web processes sharing the port (served mode only; defaults to $WEB_PROCESSES, else 1).",
        )
        parser.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, host="127.0.0.1", port=None, tick=None, processes=None, reuse_port=False, **options):
        port = port or int(os.environ.get("PORT") or 8000)
        tick = (not settings.REDIS_URL) if tick is None else tick
        if processes is None:
            processes = int(os.environ.get("WEB_PROCESSES") or 1)
        if processes < 1:
            raise CommandError("--processes must be at least 1.")
        if processes > 1:
            if not settings.REDIS_URL or tick:
                raise CommandError(
                    "Several web processes need served mode (REDIS_URL, Celery ticking the world, --no-tick): "
                    "the in-memory channel layer and the embedded tick live in one process."
                )
            self.stdout.write(f"Starting {processes} web processes on {host}:{port}.")
            sys.exit(_supervise(processes, host=host, port=port, verbosity=options.get("verbosity", 1)))
        mode = "served" if settings.SERVED_MODE else "embedded"
        ticking = "the world ticks in this process" if tick else "Celery ticks the world"
        self.stdout.write(
            self.style.SUCCESS(f"Htrae is live at http://{host}:{port}/ ({mode} mode, {ticking}). ")
            + f"Admin: http://{host}:{port}/admin/  API docs: http://{host}:{port}/api/docs/  "
            + f"WebSocket: ws://{host}:{port}/ws/simulation?token=...  Ctrl-C stops it."
        )
        if port != settings.SERVING_PORT and "WEBSOCKET_ALLOWED_ORIGINS" not in os.environ:
            self.stderr.write(
                f"WebSocket origins are allowed for port {settings.SERVING_PORT} (PORT), not {port}: "
                "set PORT or WEBSOCKET_ALLOWED_ORIGINS, or browsers' WebSockets are refused."
            )
        # Ctrl-C stops the server however it was started: a process started in the background
        # by a shell (`make run &`, a CI script) inherits SIGINT ignored, and Twisted then leaves
        # it so; the server's own handler is the one that must answer.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        from twisted.internet import reactor  # daphne.server installed the asyncio reactor

        from htrae.background import register_server_loop

        # Replies to players run on this loop (htrae.background), beside the in-memory channel layer.
        reactor.callWhenRunning(lambda: register_server_loop(asyncio.get_event_loop()))
        if tick:
            from world.services import tick_interval_apply
            from world.tick_loop import start_tick_loop, stop_tick_loop

            tick_interval_apply()  # TICK_INTERVAL_SECONDS, unless a designer has set the pace

            reactor.callWhenRunning(start_tick_loop)
            # "before shutdown": the loop still runs, so the tick loop can be cancelled cleanly.
            reactor.addSystemEventTrigger("before", "shutdown", stop_tick_loop)
        _leave_request_bodies_to_django()
        try:
            server = Server(
                application=get_default_application(),
                endpoints=build_endpoint_description_strings(host=host, port=port),
                action_logger=AccessLogGenerator(sys.stdout),
                verbosity=options.get("verbosity", 1),
            )
            if reuse_port:  # one of several processes on this port (see _supervise)
                listening = _reuse_port_socket(host, port)
                server.endpoints = []
                server.ready_callable = lambda: reactor.adoptStreamPort(
                    listening.fileno(), listening.family, server.http_factory
                )
            server.run()
        finally:
            register_server_loop(None)  # from now on, nothing waits on the stopped loop
            if tick:
                from world.tick_loop import wait_tick_thread

                wait_tick_thread(timeout=SHUTDOWN_TICK_WAIT_SECONDS)


def _reuse_port_socket(host: str, port: int) -> socket.socket:
    """A listening socket on host:port that other processes may bind too (SO_REUSEPORT): the
    kernel hands each new connection to one of them."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listening.bind((host, port))
    listening.listen(1024)
    listening.setblocking(False)
    return listening


def _supervise(count: int, *, host: str, port: int, verbosity: int) -> int:
    """Run `count` web processes on host:port until Ctrl-C or SIGTERM; returns the exit code."""
    argv = [sys.executable, str(settings.BASE_DIR / "manage.py"), "serve", "--no-tick", "--processes", "1"]
    argv += ["--reuse-port", "--host", host, "--port", str(port), "--verbosity", str(verbosity)]

    def start() -> tuple[subprocess.Popen, float]:
        return subprocess.Popen(argv), time.monotonic()

    stopping: list[int] = []

    def stop(signum, frame) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    children = [start() for _ in range(count)]
    restarts: list[float] = []
    exit_code = 0
    while not stopping:
        for index, (child, started) in enumerate(children):
            code = child.poll()
            if code is None or stopping:  # (a Ctrl-C reaches the web processes too: they end first)
                continue
            now = time.monotonic()
            restarts = [at for at in restarts if now - at < 60]
            if code >= 0 and now - started < FAILED_START_SECONDS:
                sys.stderr.write(f"A web process could not start (exit code {code}); stopping.\n")
            elif len(restarts) >= RESTARTS_PER_MINUTE:
                sys.stderr.write(f"Web processes keep dying ({len(restarts)} restarts in a minute); stopping.\n")
            else:
                sys.stderr.write(f"A web process stopped (exit code {code}); starting another.\n")
                restarts.append(now)
                children[index] = start()
                continue
            stopping.append(signal.SIGTERM)
            exit_code = code if code > 0 else 1
            break
        time.sleep(0.2)
    for child, _ in children:  # a terminal's Ctrl-C reached them too; a SIGTERM did not
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + SHUTDOWN_PROCESSES_WAIT_SECONDS
    for child, _ in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return exit_code


class _BodyBlindWebRequest(http_protocol.WebRequest):
    """daphne's request, with Twisted's own form parsing off (see below)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._parsePOSTFormSubmission = False  # twisted.web.http.Request's own switch


def _leave_request_bodies_to_django() -> None:
    """Twisted, under daphne, parses every POSTed form or multipart body into `request.args`
    (which daphne never reads) and answers a malformed one itself with an empty 400 that
    never reaches Django. The API reads only JSON: Django and DRF must see such a body to
    answer it in the JSON error shape (415 `unsupported_media_type`)."""
    # daphne's HTTPFactory builds each request from this module attribute.
    http_protocol.WebRequest = _BodyBlindWebRequest
