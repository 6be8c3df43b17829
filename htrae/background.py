"""Run slow work (a model composing a reply) off the tick and off the request path.

`run_in_background(task, **kwargs)` picks one of three ways, per call:

1. **Served mode** (`CELERY_BROKER_URL` is a real broker, not `memory://`): send the Celery
   task (`task.delay(**kwargs)`); a worker runs it and broadcasts through Redis.
2. **Embedded, under `manage.py serve`**: the command registered daphne's event loop
   (`register_server_loop`). The function is scheduled on that loop and runs in a worker
   thread through `asgiref.sync.sync_to_async(thread_sensitive=False)`. Why this way:
   - the in-memory channel layer reaches only consumers on its own loop, and
     `world.broadcast` sends with `async_to_sync(...)`. Called from a thread that
     `sync_to_async` started, `async_to_sync` runs the send back on the server's loop, where
     the consumers are. A thread of our own (`asyncio.to_thread`, `threading`) would make it
     start a private loop, and the frames would never reach a client;
   - `thread_sensitive=False`: Channels runs every consumer's database work in one shared
     thread; a model taking seconds there would stall every player. The loop's default
     executor bounds how many replies run at once.
3. **Otherwise** (tests, management commands, a shell): run it inline, now, so results are
   deterministic and nothing outlives the caller.

Whatever the way, an exception in the work (or in sending it) is logged and never raised
into the caller: the player's action has already committed and must still be acknowledged.
Callers schedule with `transaction.on_commit(...)` so nothing runs for a rolled-back action.

`call_on_server_loop(make_coroutine, timeout=...)` is how sync code in another thread (the
embedded tick, a request, a reply) runs a coroutine on the server's loop, where the channel
layer lives. Unlike `async_to_sync`, it never waits forever: it gives up after `timeout`, or
as soon as the loop stops (a Ctrl-C while a tick commits used to hang the process here).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)

_server_loop: asyncio.AbstractEventLoop | None = None
# asyncio keeps only weak references to tasks: hold them until they finish.
_running: set[asyncio.Future] = set()


def register_server_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """Make `loop` (the ASGI server's) the one background work runs on; None forgets it."""
    global _server_loop
    _server_loop = loop


def server_loop() -> asyncio.AbstractEventLoop | None:
    """The ASGI server's loop while it runs (under `manage.py serve`), else None."""
    loop = _server_loop
    return loop if loop is not None and not loop.is_closed() else None


class ServerLoopGone(RuntimeError):
    """The server's loop stopped (the server is shutting down) before the work was done."""


# How often a thread waiting on the server loop checks that the loop still runs.
_LOOP_CHECK_SECONDS = 0.1


def call_on_server_loop(make_coroutine: Callable[[], Awaitable[Any]], *, timeout: float) -> Any:
    """Run `make_coroutine()` on the server loop from another thread and return its result.

    Raises TimeoutError after `timeout` seconds and ServerLoopGone as soon as the loop has
    stopped, cancelling the work either way: a server shutting down must not wait on it.
    """
    loop = server_loop()
    if loop is None or not loop.is_running():
        raise ServerLoopGone("the server loop is not running")
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        raise RuntimeError("call_on_server_loop blocks: call it from another thread than the loop's")

    outcome: concurrent.futures.Future = concurrent.futures.Future()
    started: list[asyncio.Task] = []

    def settle(task: asyncio.Task) -> None:
        if outcome.done():
            return
        if task.cancelled():
            outcome.cancel()
        elif task.exception() is not None:
            outcome.set_exception(task.exception())
        else:
            outcome.set_result(task.result())

    def start() -> None:
        # The coroutine is made here, on the loop, only if the loop ever runs this: a loop
        # that stopped first leaves no never-awaited coroutine behind.
        if outcome.done():
            return
        task = loop.create_task(make_coroutine())
        started.append(task)
        task.add_done_callback(settle)

    def give_up(error: Exception) -> None:
        outcome.cancel()
        for task in started:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(task.cancel)
        raise error

    try:
        loop.call_soon_threadsafe(start)
    except RuntimeError as error:  # closed in between
        raise ServerLoopGone(str(error)) from error
    deadline = time.monotonic() + timeout
    while True:
        try:
            return outcome.result(timeout=_LOOP_CHECK_SECONDS)
        except concurrent.futures.TimeoutError:
            if not loop.is_running():
                give_up(ServerLoopGone("the server loop stopped"))
            if time.monotonic() >= deadline:
                give_up(TimeoutError(f"the server loop did not finish the work in {timeout} s"))


def uses_celery() -> bool:
    """Served mode: a real broker, so workers in other processes can take the work."""
    return not settings.CELERY_BROKER_URL.startswith("memory://")


def run_in_background(task: Callable[..., Any], /, **kwargs: Any) -> None:
    """Run `task(**kwargs)` the best way this process can (see the module docstring).

    `task` is a Celery task (served mode needs its `.delay`) or, outside served mode, any
    callable; kwargs must be JSON-serialisable for Celery.
    """
    name = getattr(task, "name", None) or getattr(task, "__qualname__", repr(task))
    if uses_celery():
        try:
            task.delay(**kwargs)
        except Exception:  # the broker is down: the reply is lost, the action stands
            logger.exception("could not send background task %s", name)
        return

    loop = _server_loop
    if loop is not None and not loop.is_closed():
        try:
            loop.call_soon_threadsafe(start_in_worker_thread, loop, task, name, kwargs)
            return
        except RuntimeError:  # the loop closed in between: fall through and run it here
            logger.warning("the server loop is closed; running %s inline", name)
    _run_logged(task, name, kwargs)


def start_in_worker_thread(
    loop: asyncio.AbstractEventLoop, task: Callable[..., Any], name: str, kwargs: dict | None = None
) -> None:
    """On the server loop (call it there): start `task(**kwargs)` in a worker thread, with
    Django's connection hygiene, its failure logged, and the future kept alive."""
    kwargs = kwargs or {}
    future = loop.create_task(sync_to_async(_run_in_worker_thread, thread_sensitive=False)(task, name, kwargs))
    _running.add(future)
    future.add_done_callback(_running.discard)


def _run_in_worker_thread(task: Callable[..., Any], name: str, kwargs: dict) -> None:
    # Like Channels' database_sync_to_async: executor threads outlive the call, so drop
    # connections that are too old or broken before and after the work.
    close_old_connections()
    try:
        _run_logged(task, name, kwargs)
    finally:
        close_old_connections()


def _run_logged(task: Callable[..., Any], name: str, kwargs: dict) -> None:
    try:
        task(**kwargs)
    except Exception:
        logger.exception("background task %s failed", name)


class Coalescer:
    """Work items gathered on the server loop for `delay` seconds, then handed together to
    `flush(items)` in a worker thread: many small jobs become one (a place's latest
    `world_update` instead of one per move; one task for a burst of players' actions).

    `add` returns False, keeping nothing, where no server loop runs (Celery workers, tests,
    commands): the caller then does the work at once, as before. Items still waiting when the
    server stops are dropped with it, as a task not yet sent would be.
    """

    def __init__(self, flush: Callable[[list], None], *, delay: float, name: str) -> None:
        self.flush_items = flush
        self.delay = delay
        self.name = name
        self.lock = threading.Lock()
        self.items: list = []
        self.scheduled_on: asyncio.AbstractEventLoop | None = None  # the loop a flush is due on

    def add(self, items) -> bool:
        loop = server_loop()
        if loop is None or not loop.is_running():
            return False
        with self.lock:
            if self.scheduled_on is not None and self.scheduled_on is not loop:
                # A flush was due on a server that has stopped since: it will never run, and
                # what it held went with that server. Start afresh on this one.
                self.items, self.scheduled_on = [], None
            self.items.extend(items)
            if self.scheduled_on is loop:
                return True
            self.scheduled_on = loop
        try:
            loop.call_soon_threadsafe(loop.call_later, self.delay, start_in_worker_thread, loop, self.flush, self.name)
        except RuntimeError:  # the loop closed in between: nothing will run anyway
            with self.lock:
                self.scheduled_on = None
        return True

    def flush(self) -> None:
        """Hand over what has gathered (in a worker thread; it may read the database)."""
        with self.lock:
            items, self.items, self.scheduled_on = self.items, [], None
        if items:
            self.flush_items(items)
