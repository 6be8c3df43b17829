"""WebSocket authentication by API token in the query string (`/ws/simulation?token=...`).

Runs inside Channels' session AuthMiddlewareStack: a token, when given, decides who the user
is (an unknown token means nobody); without one the session cookie does.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser

from world.api_tokens import token_and_user_get


@database_sync_to_async
def _user_for_token(key: str):
    found = token_and_user_get(key=key)
    if found is None or not found[1].is_active:
        return AnonymousUser()
    return found[1]


class TokenAuthMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        keys = query.get("token")
        if keys:
            scope = {**scope, "user": await _user_for_token(keys[0][:64])}
        return await self.app(scope, receive, send)
