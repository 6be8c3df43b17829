"""A WebSocket stays open through real Redis for longer than every timeout involved."""

import asyncio
import contextlib
import json

import pytest

from tests.served.harness import ServedWorld

IDLE_SECONDS = 17  # three of redis-py's 5 s default read timeouts and then some


async def next_frame(ws, *, timeout: float = 10.0) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


@pytest.mark.slow
@pytest.mark.redis_db(11)
def test_an_idle_websocket_outlives_the_redis_timeouts(world: ServedWorld):
    world.start_web()
    player = world.register("idler")

    async def scenario():
        async with world.websocket(player.token) as ws:
            assert (await next_frame(ws))["type"] == "world_update"
            # The place's refresh after the player joined may follow (coalesced, 0.1 s later).
            with contextlib.suppress(TimeoutError):
                while True:
                    await asyncio.wait_for(ws.recv(), 1.0)
            # Nothing arrives for longer than every read timeout in the path (no tick runs).
            try:
                unexpected = await asyncio.wait_for(ws.recv(), IDLE_SECONDS)
            except TimeoutError:
                unexpected = None
            assert unexpected is None, unexpected
            await ws.send(json.dumps({"type": "player_action", "request_id": "after-idle", "data": {"action": "wait"}}))
            reply = await next_frame(ws)
            assert reply["type"] == "ack" and reply["request_id"] == "after-idle"
            assert ws.close_code is None

    asyncio.run(scenario())
    web_log = world.processes[0].log()
    assert "TimeoutError" not in web_log and "1011" not in web_log, web_log
