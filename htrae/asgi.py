"""ASGI entry point: HTTP through Django, and `/ws/simulation` through Channels.

WebSocket connections must come from an allowed origin (WEBSOCKET_ALLOWED_ORIGINS: scheme,
host and port) and are authenticated by session cookie or `?token=`. An outage of Redis or
PostgreSQL closes them with 1013 "try again later", never 1011
(`world.ws_resilience.OutageGuard`, outermost so it also covers the session and token lookups).
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
from world.ws_resilience import OutageGuard, allow_registered_close_codes  # noqa: E402

allow_registered_close_codes()  # daphne may then close with 1013 (see world.ws_resilience)

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": OutageGuard(
            SettingsOriginValidator(AuthMiddlewareStack(TokenAuthMiddleware(URLRouter(websocket_urlpatterns))))
        ),
    }
)
