"""Several web processes on one port (`manage.py serve --processes N`, `WEB_PROCESSES`).

The kernel spreads connections over the processes (SO_REUSEPORT); a line said to a player on
one process reaches players on the other through the Redis channel layer; a process that dies
is replaced; SIGTERM stops them all. Embedded mode refuses more than one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from tests.served.harness import ServedWorld, frame_of, wait_until


def web_children(web_pid: int) -> list[int]:
    return [int(pid) for pid in Path(f"/proc/{web_pid}/task/{web_pid}/children").read_text().split()]


def client_ports_served_by(pid: int, server_port: int) -> set[int]:
    """The client ports of the TCP connections process `pid` holds on `server_port` (/proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port, remote_port = int(fields[1].rsplit(":", 1)[1], 16), int(fields[2].rsplit(":", 1)[1], 16)
            if fields[9] in inodes and local_port == server_port and remote_port:
                ports.add(remote_port)
    return ports


@pytest.mark.redis_db(11)
def test_two_web_processes_share_the_port_and_hear_each_other(world: ServedWorld):
    web = world.start_web(WEB_PROCESSES="2")
    children = wait_until(lambda: len(web_children(web.popen.pid)) == 2 and web_children(web.popen.pid), timeout=30)
    players = [world.register("teller"), world.register("listener")]

    def held_by(sockets) -> dict[int, list[int]]:
        """Which web process holds each socket (by the connection's client port)."""
        index_of = {ws.local_address[1]: index for index, ws in enumerate(sockets)}
        return {
            child: sorted(index_of[port] for port in client_ports_served_by(child, world.web_port) if port in index_of)
            for child in children
        }

    async def scenario() -> None:
        sockets = []
        try:
            # Both players' tabs, until the kernel has put some on each process (it spreads
            # connections by their addresses: a few suffice, all on one would take ~40).
            while len(sockets) < 40:
                ws = await world.websocket(players[len(sockets) % 2].token).__aenter__()
                sockets.append(ws)
                await frame_of(ws, "world_update")
                held = held_by(sockets)
                if len(sockets) >= 4 and all(held.values()):
                    break
            assert sum(len(indexes) for indexes in held.values()) == len(sockets)
            assert all(held.values()), held

            line = {"action": "speak", "text": "Across the processes."}
            await sockets[0].send(json.dumps({"type": "player_action", "request_id": "across", "data": line}))
            await frame_of(sockets[0], "ack", where=lambda frame: frame.get("request_id") == "across")
            for ws in sockets:  # every tab of both players, on either process, hears it
                heard = await frame_of(ws, "chat_message", where=lambda f: f["data"]["text"] == line["text"])
                assert heard["data"]["speaker"]["id"] == players[0].character_id
        finally:
            for ws in sockets:
                await ws.close()

    asyncio.run(scenario())

    # A web process that dies is replaced; the port keeps answering.
    os.kill(children[0], signal.SIGKILL)
    replaced = wait_until(
        lambda: len(now := web_children(web.popen.pid)) == 2 and children[0] not in now and now, timeout=30
    )
    wait_until(lambda: world._web_answers(web), timeout=30, what="the web after a process died")
    assert "starting another" in web.log()

    # SIGTERM to the server stops every web process within seconds.
    web.send(signal.SIGTERM)
    assert web.wait_exit(12) is not None, web.log()
    for pid in replaced:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()


def test_embedded_mode_refuses_several_web_processes():
    with override_settings(REDIS_URL=""), pytest.raises(CommandError, match="served mode"):
        call_command("serve", processes=2)
    with pytest.raises(CommandError, match="at least 1"):
        call_command("serve", processes=0)
