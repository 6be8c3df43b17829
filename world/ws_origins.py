"""Which pages may open the simulation WebSocket: an Origin listed in
`settings.WEBSOCKET_ALLOWED_ORIGINS`, matched by scheme, host and port.

Channels' `AllowedHostsOriginValidator` matches the host only, so a page at
`http://127.0.0.1:9999` (any other program on the machine) could open a player's socket on a
server at port 8000 with the player's session cookie. Channels' `OriginValidator` compares all
three; this one reads the setting at each handshake rather than once at import.
"""

from channels.security.websocket import OriginValidator
from django.conf import settings


class SettingsOriginValidator(OriginValidator):
    """`OriginValidator` over `settings.WEBSOCKET_ALLOWED_ORIGINS`; no Origin header is refused."""

    def __init__(self, application):
        super().__init__(application, allowed_origins=())

    @property
    def allowed_origins(self):
        return settings.WEBSOCKET_ALLOWED_ORIGINS

    @allowed_origins.setter
    def allowed_origins(self, value):
        pass  # always the setting's
