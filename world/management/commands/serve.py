"""`manage.py serve`: serve the world over HTTP and WebSocket from one ASGI process (daphne).

In embedded mode (no REDIS_URL) it also runs the world tick in the same process
(`world.tick_loop`), since the in-memory channel layer reaches only this process. In served
mode Celery Beat and workers tick, and this is only the web process (`--no-tick`).

Ctrl-C or SIGTERM stops it within seconds at any moment: daphne stops the reactor; before it
does, the tick loop is told to stop (a tick under way rolls back), and broadcasts waiting on
the server's loop give up once it stops (`htrae.background.call_on_server_loop`).
"""

import asyncio
import os
import signal
import sys
from argparse import BooleanOptionalAction

from channels.routing import get_default_application
from daphne import http_protocol
from daphne.access import AccessLogGenerator
from daphne.endpoints import build_endpoint_description_strings
from daphne.server import Server
from django.conf import settings
from django.core.management.base import BaseCommand

# After the server stopped, how long a tick under way may take to roll back (it checks
# between batches, so well under this), before the process exits without it.
SHUTDOWN_TICK_WAIT_SECONDS = 3.0


class Command(BaseCommand):
    help = "Serve Htrae (HTTP and WebSocket) with daphne; in embedded mode, tick the world too."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=None, help="Defaults to $PORT, else 8000.")
        parser.add_argument(
            "--tick",
            action=BooleanOptionalAction,
            default=None,
            help="Run the world tick in this process (default: only in embedded mode, without REDIS_URL).",
        )

    def handle(self, *args, host="127.0.0.1", port=None, tick=None, **options):
        port = port or int(os.environ.get("PORT") or 8000)
        tick = (not settings.REDIS_URL) if tick is None else tick
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
            Server(
                application=get_default_application(),
                endpoints=build_endpoint_description_strings(host=host, port=port),
                action_logger=AccessLogGenerator(sys.stdout),
                verbosity=options.get("verbosity", 1),
            ).run()
        finally:
            register_server_loop(None)  # from now on, nothing waits on the stopped loop
            if tick:
                from world.tick_loop import wait_tick_thread

                wait_tick_thread(timeout=SHUTDOWN_TICK_WAIT_SECONDS)


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
