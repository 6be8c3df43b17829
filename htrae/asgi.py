"""ASGI entry point: HTTP through Django, and `/ws/simulation` through Channels.

WebSocket connections must come from an allowed origin (WEBSOCKET_ALLOWED_ORIGINS: scheme,
host and port) and are authenticated by session cookie or `?token=`.
"""

import os

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "htrae.settings")

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from world.routing import websocket_urlpatterns  # noqa: E402
from world.ws_auth import TokenAuthMiddleware  # noqa: E402
from world.ws_origins import SettingsOriginValidator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SettingsOriginValidator(
            AuthMiddlewareStack(TokenAuthMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)
