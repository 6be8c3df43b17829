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

WebSockets have their own guard (`world.ws_resilience`).
"""

from __future__ import annotations

import logging

import kombu.exceptions
import redis.exceptions
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

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


def is_outage(error: BaseException | None) -> bool:
    """Whether `error`, or an error it wraps, means a backing service is unreachable."""
    seen = 0
    while error is not None and seen < 5:  # causes chain; a few links suffice
        if isinstance(error, OUTAGE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def service_of(error: BaseException) -> str:
    return "the database" if isinstance(error, OperationalError | InterfaceError) else "Redis"


def log_outage(error: BaseException, what: str) -> None:
    """One warning line, no traceback: an outage is expected, and per request it is noise."""
    logger.warning("%s: %s is unavailable (%s: %s)", what, service_of(error), type(error).__name__, error)


def unavailable_body() -> dict[str, str]:
    return {"code": "unavailable", "message": UNAVAILABLE_MESSAGE}


def unavailable_response(request) -> HttpResponse:
    """503 with Retry-After: the API's JSON error shape under /api/, plain text elsewhere."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(unavailable_body(), status=503)
    else:
        response = HttpResponse(UNAVAILABLE_MESSAGE, status=503, content_type="text/plain; charset=utf-8")
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
        return unavailable_response(request)
