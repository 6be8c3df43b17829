"""`manage.py serve`: serve the world over HTTP and WebSocket from one ASGI process (daphne).

In embedded mode this is the one process of the world, so the in-memory channel layer
reaches every client it serves.
"""

import sys

from channels.routing import get_default_application
from daphne.access import AccessLogGenerator
from daphne.endpoints import build_endpoint_description_strings
from daphne.server import Server
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Htrae (HTTP and WebSocket) with daphne."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=None, help="Defaults to $PORT, else 8000.")

    def handle(self, *args, host="127.0.0.1", port=None, **options):
        import os

        port = port or int(os.environ.get("PORT") or 8000)
        mode = "served" if settings.SERVED_MODE else "embedded"
        self.stdout.write(
            self.style.SUCCESS(f"Htrae is live at http://{host}:{port}/ ({mode} mode). ")
            + f"Admin: http://{host}:{port}/admin/  API docs: http://{host}:{port}/api/docs/  Ctrl-C stops it."
        )
        Server(
            application=get_default_application(),
            endpoints=build_endpoint_description_strings(host=host, port=port),
            action_logger=AccessLogGenerator(sys.stdout),
            verbosity=options.get("verbosity", 1),
        ).run()
