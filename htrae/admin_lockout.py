"""django-axes, confined to the Django admin's login: repeated failed admin logins lock the
IP address and the username out for a while (AXES_* settings).

Player logins (`POST /api/auth/token`) have their own lockout (`world.accounts`), so axes
neither judges nor records them. Failed admin attempts are kept in the database
(`AccessAttempt`, visible in the admin), so the admin lockout needs no Redis.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler


class AdminLockoutBackend(AxesStandaloneBackend):
    """Refuses locked-out admin logins; first in AUTHENTICATION_BACKENDS.

    Without a request (a shell, a management command, the test client's `login`) there is
    no client to lock out, so it stands aside instead of raising as axes would.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class AdminOnlyAxesHandler(AxesDatabaseHandler):
    """Axes' database handler, recording only what happens on the admin site."""

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is None or not self.is_admin_request(request):
            return None
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        if request is None or not self.is_admin_request(request):
            return None
        return super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        if request is None or not self.is_admin_request(request):
            return None
        return super().user_logged_out(sender, request, user, **kwargs)


def client_ip(request) -> str | None:
    """The client's address, as the API throttles judge it (DRF's `NUM_PROXIES` rule):
    REMOTE_ADDR, or the address TRUSTED_PROXY_COUNT hops back in X-Forwarded-For. A client
    cannot pick its own address by sending the header unless proxies are trusted."""
    from django.conf import settings

    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR")
