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
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
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
            loop.call_soon_threadsafe(_start_on_loop, loop, task, name, kwargs)
            return
        except RuntimeError:  # the loop closed in between: fall through and run it here
            logger.warning("the server loop is closed; running %s inline", name)
    _run_logged(task, name, kwargs)


def _start_on_loop(loop: asyncio.AbstractEventLoop, task: Callable[..., Any], name: str, kwargs: dict) -> None:
    """On the server loop: start the work in a worker thread and keep the future alive."""
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
