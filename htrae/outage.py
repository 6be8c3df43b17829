"""Outages of PostgreSQL or Redis answer 503 ("try again later"), never 500.

A backing service going away is not a bug in the request: clients should retry, load
balancers should hold off, and the log should say which service is down without a traceback
per request. `OUTAGE_ERRORS` lists what such an outage raises; `is_outage(error)` follows
wrapped causes too. Three places use it:

- `OutageMiddleware.process_exception`: any Django view (the admin, the viewer page);
- `htrae.errors.api_exception_handler`: DRF views, answering the API's JSON error shape
  `{"code": "unavailable", "message": ...}`;
- `htrae.errors.handler500`: what fails outside a view (a middleware reading the session
  while the database is down) still reaches Django's 500 handler, which answers 503 instead.

A web process whose database connections are all in use (its pool, `DATABASE_POOL_*`, stayed
empty for the pool's timeout) answers the same 503 `unavailable`, saying it is busy.

WebSockets have their own guard (`world.ws_resilience`).
"""

from __future__ import annotations

import logging

import kombu.exceptions
import redis.exceptions
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from psycopg_pool import PoolTimeout

logger = logging.getLogger(__name__)

OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,  # also redis.asyncio's; includes BusyLoadingError
    redis.exceptions.TimeoutError,
    OperationalError,  # the database is down, restarting, or dropped the connection
    InterfaceError,  # a connection closed under us
    kombu.exceptions.OperationalError,  # the Celery broker (Redis) is unreachable
)

RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = "The world is briefly out of reach (a service it needs is restarting); try again shortly."
BUSY_MESSAGE = "The server is busy: every database connection is in use; try again shortly."


def _wraps(error: BaseException | None, kinds: tuple[type[BaseException], ...]) -> bool:
    """Whether `error`, or an error it wraps, is one of `kinds` (a few links of causes suffice)."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, kinds):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def is_outage(error: BaseException | None) -> bool:
    """Whether `error`, or an error it wraps, means a backing service is unreachable."""
    return _wraps(error, OUTAGE_ERRORS)


def is_pool_exhausted(error: BaseException | None) -> bool:
    """Whether `error` (or what it wraps) is this process's connection pool staying empty."""
    return _wraps(error, (PoolTimeout,))


def service_of(error: BaseException) -> str:
    if is_pool_exhausted(error):
        return "the database connection pool"
    return "the database" if isinstance(error, OperationalError | InterfaceError) else "Redis"


def log_outage(error: BaseException, what: str) -> None:
    """One warning line, no traceback: an outage is expected, and per request it is noise."""
    logger.warning("%s: %s is unavailable (%s: %s)", what, service_of(error), type(error).__name__, error)


def unavailable_message(error: BaseException | None = None) -> str:
    return BUSY_MESSAGE if is_pool_exhausted(error) else UNAVAILABLE_MESSAGE


def unavailable_body(error: BaseException | None = None) -> dict[str, str]:
    return {"code": "unavailable", "message": unavailable_message(error)}


def unavailable_response(request, error: BaseException | None = None) -> HttpResponse:
    """503 with Retry-After: the API's JSON error shape under /api/, plain text elsewhere."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(unavailable_body(error), status=503)
    else:
        response = HttpResponse(unavailable_message(error), status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class OutageMiddleware:
    """Turns an outage raised by a view into 503 (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        log_outage(exception, f"{request.method} {request.path}")
        return unavailable_response(request, exception)
