"""ASGI entry point: HTTP through Django; the WebSocket routes join here with the simulation
consumer."""

import os

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "htrae.settings")

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

application = ProtocolTypeRouter({"http": django_asgi_app})
