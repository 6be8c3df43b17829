"""WebSocket authentication by API token in the query string (`/ws/simulation?token=...`).

Runs inside Channels' session AuthMiddlewareStack: a token, when given, decides who the user
is (an unknown token means nobody); without one the session cookie does.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from rest_framework.authtoken.models import Token


@database_sync_to_async
def _user_for_token(key: str):
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return AnonymousUser()
    return token.user


class TokenAuthMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        keys = query.get("token")
        if keys:
            scope = {**scope, "user": await _user_for_token(keys[0][:64])}
        return await self.app(scope, receive, send)
