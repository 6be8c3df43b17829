"""A broadcast never waits on a server loop that has stopped (Ctrl-C as a tick commits)."""

import asyncio
import json
import threading
import time

from asgiref.sync import sync_to_async

from htrae.background import ServerLoopGone
from world.broadcast import send_frames


def test_a_tick_committing_as_the_server_stops_does_not_hang_its_broadcast(server_loop):
    """The embedded tick ran in Channels' database thread; the server's loop stopped as the tick
    committed, and its on-commit broadcast (async_to_sync back to that loop) waited forever."""
    outcome: dict = {}
    stopped = threading.Event()

    def tick_commits() -> None:
        server_loop.call_soon_threadsafe(server_loop.stop)  # Ctrl-C: the reactor stops
        while server_loop.is_running():
            time.sleep(0.01)
        stopped.set()
        started = time.monotonic()
        try:
            send_frames([("world", {"type": "notification", "data": {"message": "dawn"}})])
        except Exception as error:
            outcome["error"] = error
        outcome["seconds"] = time.monotonic() - started

    asyncio.run_coroutine_threadsafe(sync_to_async(tick_commits)(), server_loop)
    assert stopped.wait(5)
    deadline = time.monotonic() + 3
    while "seconds" not in outcome and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "seconds" in outcome, "the broadcast is still waiting on the stopped server loop"
    assert isinstance(outcome.get("error"), ServerLoopGone)


def test_a_broadcast_on_a_running_server_loop_is_sent(server_loop):
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    channel = asyncio.run_coroutine_threadsafe(layer.new_channel(), server_loop).result(5)
    asyncio.run_coroutine_threadsafe(layer.group_add("world", channel), server_loop).result(5)
    frame = {"type": "notification", "data": {"message": "dusk"}}
    send_frames([("world", frame)])
    message = asyncio.run_coroutine_threadsafe(layer.receive(channel), server_loop).result(5)
    assert json.loads(message["text"]) == frame
