"""The embedded scheduler: runs the world tick inside the ASGI server's own event loop.

In embedded mode the in-memory channel layer reaches only its own process, so the tick must
run where the WebSocket clients are. The loop wakes every second, reads the clock (interval,
paused) so a designer's changes in the admin apply at once, and runs `run_tick()` when due.
The tick itself runs in Channels' database thread; its broadcast comes back to this loop.
"""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from django.utils import timezone

from world.models import WorldClock
from world.tick import run_tick

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0


def seconds_until_due() -> float | None:
    """Seconds until the next tick is due (<= 0: now); None while paused or unseeded."""
    clock = (
        WorldClock.objects.filter(pk=WorldClock.SINGLETON_ID)
        .values("paused", "tick_interval_seconds", "last_tick_at")
        .first()
    )
    if clock is None or clock["paused"]:
        return None
    if clock["last_tick_at"] is None:
        return 0.0
    elapsed = (timezone.now() - clock["last_tick_at"]).total_seconds()
    return clock["tick_interval_seconds"] - elapsed


async def run_tick_loop() -> None:
    """Tick forever (until cancelled); a failed tick is logged and tried again next time."""
    logger.info("embedded tick loop started")
    while True:
        try:
            due_in = await database_sync_to_async(seconds_until_due)()
            if due_in is not None and due_in <= 0:
                result = await database_sync_to_async(run_tick)()
                if result.ran:
                    logger.info(
                        "tick %s: %d characters, %d events in %.0f ms",
                        result.tick,
                        result.characters,
                        result.events,
                        result.seconds * 1000,
                    )
                continue
            await asyncio.sleep(POLL_SECONDS if due_in is None else min(POLL_SECONDS, due_in))
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("the tick failed; the world stays as it was and tries again")
            await asyncio.sleep(POLL_SECONDS)
