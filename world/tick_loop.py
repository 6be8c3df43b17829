"""The embedded scheduler: runs the world tick beside the ASGI server, in its process.

In embedded mode the in-memory channel layer reaches only its own process, so the tick must
run where the WebSocket clients are. The loop wakes every second, reads the clock (interval,
paused) so a designer's changes in the admin apply at once, and runs `run_tick()` when due.

The tick runs in a thread of its own, not in Channels' database thread: a tick of a second
would otherwise stall every consumer's database work. Its on-commit broadcast comes back to
the server's loop (`world.broadcast.send_frames`), bounded in time.

Shutdown (`stop_tick_loop`, called by `serve` when the server begins to stop): the loop task
is cancelled and a tick under way is asked to stop; it rolls back at its next checkpoint (a
batch, a phase, or just before commit) and the next start runs that tick again, whole. If it
had already committed, its broadcast gives up as soon as the server's loop stops. Either way
the process exits within seconds (`wait_tick_thread`), never hangs on a loop that has stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading

from channels.db import database_sync_to_async
from django.db import close_old_connections, connections
from django.utils import timezone

from world.history import history_prune_after_tick
from world.models import WorldClock
from world.tick import TickResult, run_tick

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0

_stopping = threading.Event()
_tick_thread: threading.Thread | None = None
_loop_task: asyncio.Task | None = None


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


def start_tick_loop() -> asyncio.Task:
    """Start the loop on the running event loop (the server's); `stop_tick_loop` ends it."""
    global _loop_task
    _stopping.clear()
    _loop_task = asyncio.ensure_future(run_tick_loop())
    return _loop_task


def stop_tick_loop() -> None:
    """Ask a tick under way to roll back and stop the loop. Call it on the server's loop
    when shutdown begins; `wait_tick_thread` then waits, bounded, for the tick's thread."""
    _stopping.set()
    if _loop_task is not None and not _loop_task.done():
        _loop_task.cancel()


def wait_tick_thread(timeout: float) -> bool:
    """After the server stopped: wait up to `timeout` s for a tick's thread; True if none is left.
    The thread is a daemon, so a tick stuck in a query cannot keep the process alive."""
    _stopping.set()
    thread = _tick_thread
    if thread is None:
        return True
    thread.join(timeout)
    if thread.is_alive():
        logger.warning("the tick did not stop within %.0f s; exiting without it (it rolls back)", timeout)
        return False
    return True


async def run_tick_loop() -> None:
    """Tick until cancelled; a failed tick is logged and tried again next time."""
    logger.info("embedded tick loop started")
    while not _stopping.is_set():
        try:
            due_in = await database_sync_to_async(seconds_until_due)()
            if due_in is not None and due_in <= 0:
                await _tick_in_thread()  # the tick logs its own line, step by step (world.tick)
                continue
            await asyncio.sleep(POLL_SECONDS if due_in is None else min(POLL_SECONDS, due_in))
        except asyncio.CancelledError:
            logger.info("embedded tick loop stopped")
            raise
        except Exception:
            logger.exception("the tick failed; the world stays as it was and tries again")
            await asyncio.sleep(POLL_SECONDS)


async def _tick_in_thread() -> TickResult:
    """Run one tick in a daemon thread and await its result without blocking the loop."""
    global _tick_thread
    loop = asyncio.get_running_loop()
    done: asyncio.Future = loop.create_future()

    def deliver(setter, value) -> None:
        if not done.done():
            setter(value)

    def work() -> None:
        close_old_connections()
        try:
            result = run_tick(should_stop=_stopping.is_set)
            if result.ran and not _stopping.is_set():
                history_prune_after_tick()
        except BaseException as error:
            outcome = (done.set_exception, error)
        else:
            outcome = (done.set_result, result)
        finally:
            connections.close_all()  # this thread ends: its connections with it
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits for this tick
            loop.call_soon_threadsafe(deliver, *outcome)

    _tick_thread = threading.Thread(target=work, name="world-tick", daemon=True)
    _tick_thread.start()
    # Shielded: cancelling the loop must not drop the future the thread will set.
    return await asyncio.shield(done)
