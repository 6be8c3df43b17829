"""Probes for orchestrators and load balancers.

- `GET /healthz`: the process is up and answering (touches nothing else).
- `GET /readyz`: ready to serve the world: the database answers, Redis too in served mode, and
  the world ticks (its last tick is at most `TICK_STALE_INTERVALS` intervals old, or it is
  paused on purpose). 200 when ready, else 503 with what is wrong; always the same JSON shape.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

from htrae.health import redis_client
from htrae.outage import OUTAGE_ERRORS, RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)

TICK_STALE_INTERVALS = 3  # a tick this many intervals late: the tick is not running
FIRST_TICK_GRACE_SECONDS = 60  # a world just started has not ticked yet


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "redis": _redis_state()}
    checks["tick"] = _tick() if checks["database"] == "ok" else "unknown"
    ready = (
        checks["database"] == "ok"
        and checks["redis"] in ("ok", "not used")
        and checks["tick"]
        in (
            "fresh",
            "paused",
            "starting",
        )
    )
    response = JsonResponse({"ready": ready, **checks}, status=200 if ready else 503)
    if not ready:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except OUTAGE_ERRORS:
        logger.warning("readyz: the database does not answer", exc_info=True)
        return "down"
    return "ok"


def _redis_state() -> str:
    if not settings.REDIS_URL:
        return "not used"
    try:
        redis_client().ping()
    except OUTAGE_ERRORS:
        logger.warning("readyz: Redis does not answer", exc_info=True)
        return "down"
    return "ok"


def _tick() -> str:
    """fresh, paused, starting (no tick yet, within the grace), stale, or no world."""
    from world.models import WorldClock

    clock = WorldClock.objects.filter(id=WorldClock.SINGLETON_ID).first()
    if clock is None:
        return "no world"
    if clock.paused:
        return "paused"
    late_after = TICK_STALE_INTERVALS * clock.tick_interval_seconds
    if clock.last_tick_at is None:
        since_start = time.time() - clock.updated_at.timestamp()
        return "starting" if since_start <= late_after + FIRST_TICK_GRACE_SECONDS else "stale"
    return "fresh" if time.time() - clock.last_tick_at.timestamp() <= late_after else "stale"
