"""API tokens: who a request's `Authorization: Token <key>` (or a WebSocket's `?token=`) is.

Every API request and every WebSocket handshake reads its token, so the read is written by
hand (`world.sql` says why). Kept apart from `world.accounts`: DRF imports the authentication
class while `htrae.errors` is still loading, so this module imports nothing of the project's
but the SQL helpers.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from world import sql

User = get_user_model()


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication (`Authorization: Token <key>`), its one read written by hand
    (`token_and_user_get`): every API request makes it, and the ORM spent twice the query's
    own time building it (446 -> 142 us of CPU a request, bench/README.md)."""

    def authenticate_credentials(self, key):
        found = token_and_user_get(key=key)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token, user = found
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token


# Built once, not per request (the columns as `world.sql` quotes them, on either database).
_TOKEN_AND_USER_SQL = (
    f"SELECT {sql.columns(Token, 't')}, {sql.columns(User, 'u')} "
    f'FROM "{Token._meta.db_table}" t JOIN "{User._meta.db_table}" u ON u."{User._meta.pk.column}" = t."user_id" '
    'WHERE t."key" = %s'
)


def token_and_user_get(*, key: str) -> tuple[Token, User] | None:
    """The API token `key` and its user, in one statement; None for an unknown key."""
    found = sql.rows(_TOKEN_AND_USER_SQL, [key])
    if not found:
        return None
    width = len(Token._meta.concrete_fields)
    token, user = sql.instance(Token, found[0][:width]), sql.instance(User, found[0][width:])
    token.user = user
    return token, user
