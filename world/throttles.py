"""Request throttles of the account endpoints (register, token): per client IP and per
username, counted in the Django cache (Redis in served mode, local memory embedded).

Rates come from settings (`AUTH_THROTTLE_RATES`, read at each request so tests and operators
can change them), e.g. "10/min". A throttled request gets DRF's `Throttled`: a 429 with
`Retry-After`, in the API's error shape (`code: "throttled"`).
"""

from __future__ import annotations

import logging

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from world.accounts import username_skeleton

logger = logging.getLogger(__name__)


class _AuthThrottle(SimpleRateThrottle):
    """A cache-counted throttle whose rate is `settings.AUTH_THROTTLE_RATES[scope]`."""

    def get_rate(self) -> str | None:
        return settings.AUTH_THROTTLE_RATES.get(self.scope)

    def cache_key_for(self, request) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request, view) -> str | None:
        ident = self.cache_key_for(request)
        if ident is None:
            return None  # nothing to count by: not throttled here
        # Each endpoint has its own budget: signing up does not use up logging in.
        return f"{settings.AUTH_THROTTLE_KEY_PREFIX}:{self.scope}:{type(view).__name__}:{ident}"

    def allow_request(self, request, view) -> bool:
        # Fail open: if the cache (Redis) is down, a throttle that raised would turn every
        # login and registration into a 500. Letting them through for the outage is the lesser
        # harm; the warning makes the outage visible.
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as error:
            logger.warning("Throttle %s skipped: the cache is unavailable (%s).", self.scope, error)
            return True


class AuthIpThrottle(_AuthThrottle):
    """Account requests per client IP (REMOTE_ADDR, or X-Forwarded-For behind
    TRUSTED_PROXY_COUNT proxies: DRF's `NUM_PROXIES`)."""

    scope = "auth_ip"

    def cache_key_for(self, request) -> str | None:
        return self.get_ident(request)


class AuthUsernameThrottle(_AuthThrottle):
    """Account requests per username, whichever IPs they come from; look-alike names
    (same skeleton) share one count."""

    scope = "auth_username"

    def cache_key_for(self, request) -> str | None:
        data = request.data  # parsed once; a malformed body raises ParseError (a 400), as the view would
        username = data.get("username") if hasattr(data, "get") else None
        if not isinstance(username, str) or not username:
            return None
        return username_skeleton(username[:150])
