"""Benchmark: the WebSocket action path under load, in served mode.

Starts a private served-mode world (its own PostgreSQL database and Redis database: the web
process as `make up` runs it, a Celery worker and Beat, so the world ticks), registers N
players, spreads them over the world's places (`--crowd` keeps them all at the starting
place, where every line goes to every client), connects each over a real WebSocket, and has
each send K actions a second (speak, move, interact, wait) for T seconds. Then it reads the
database and prints what was sent, acknowledged, refused as busy and in error; the ack
latency; actions applied exactly once, applied but never acknowledged, acknowledged but not
stored; sockets the server closed; and the CPU each process used.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/actions.py --clients 100 --rate 2 --seconds 60

Targets on the 2-core machine (issue 9): p95 ack <= 250 ms, 0 acked-but-unstored,
0 applied-but-unacked, 0 sockets closed by the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.served.harness import ServedWorld, served_urls  # noqa: E402

LINES = [
    "Spectra, do you hear the bell tonight?",
    "What news from the marsh?",
    "The lanterns burn low.",
    "Has anyone seen the glass-wrights?",
]


@dataclass
class Client:
    number: int
    token: str
    character_id: int
    exits: list[int] = field(default_factory=list)
    others: list[int] = field(default_factory=list)
    sent: dict[str, float] = field(default_factory=dict)  # request id -> monotonic send time
    acked: dict[str, float] = field(default_factory=dict)  # request id -> latency (s)
    replayed: set[str] = field(default_factory=set)
    refused: Counter = field(default_factory=Counter)  # error code -> count
    busy_ids: set[str] = field(default_factory=set)
    closed_by_server: int | None = None

    def take_surroundings(self, data: dict) -> None:
        self.exits = [exit["id"] for exit in data.get("exits", [])]
        self.others = [c["id"] for c in data.get("characters", []) if c.get("id") != self.character_id]

    def next_action(self, rng: random.Random) -> dict:
        roll = rng.random()
        if roll < 0.45:
            return {"action": "speak", "text": rng.choice(LINES)}
        if roll < 0.65 and self.exits:
            return {"action": "move", "to": rng.choice(self.exits)}
        if roll < 0.85 and self.others:
            return {"action": "interact", "target": {"type": "character", "id": rng.choice(self.others)}}
        return {"action": "wait"}


async def run_client(world: ServedWorld, client: Client, *, rate: float, seconds: float, drain: float) -> None:
    from websockets.exceptions import ConnectionClosed

    try:
        await _run_client(world, client, rate=rate, seconds=seconds, drain=drain)
    except ConnectionClosed as closed:
        client.closed_by_server = closed.rcvd.code if closed.rcvd else -1
    except OSError as error:  # refused or reset: the server closed on us
        client.closed_by_server = getattr(error, "errno", -1) or -1


async def _run_client(world: ServedWorld, client: Client, *, rate: float, seconds: float, drain: float) -> None:
    from websockets.exceptions import ConnectionClosed

    rng = random.Random(client.number)
    async with world.websocket(client.token) as ws:

        async def reader() -> None:
            with contextlib.suppress(ConnectionClosed):
                await read_frames()

        async def read_frames() -> None:
            async for raw in ws:
                frame = json.loads(raw)
                kind, request_id = frame.get("type"), frame.get("request_id")
                if kind == "world_update":
                    if frame["data"].get("character", {}).get("id", client.character_id) == client.character_id:
                        client.take_surroundings(frame["data"])
                elif kind == "ack" and request_id in client.sent:
                    client.acked[request_id] = time.monotonic() - client.sent[request_id]
                    if frame["data"].get("replayed"):
                        client.replayed.add(request_id)
                elif kind == "error":
                    code = frame["data"]["code"]
                    client.refused[code] += 1
                    if code == "busy":
                        client.busy_ids.add(request_id)

        reading = asyncio.ensure_future(reader())
        await asyncio.sleep(rng.random() / rate)  # spread the clients over the first interval
        deadline = time.monotonic() + seconds
        number = 0
        while time.monotonic() < deadline:
            number += 1
            request_id = f"b{client.number}-{number}"
            message = {"type": "player_action", "request_id": request_id, "data": client.next_action(rng)}
            client.sent[request_id] = time.monotonic()
            await ws.send(json.dumps(message))
            await asyncio.sleep(1 / rate)
        # Wait for the replies still owed, then leave.
        owed_until = time.monotonic() + drain
        while time.monotonic() < owed_until:
            answered = len(client.acked) + sum(client.refused.values())
            if answered >= len(client.sent) or reading.done():
                break
            await asyncio.sleep(0.1)
        if reading.done() and ws.close_code not in (None, 1000, 1001):
            client.closed_by_server = ws.close_code
        reading.cancel()


def named(world: ServedWorld):
    return [(process.name, process) for process in world.processes]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (from /proc), in seconds."""
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        total += sum(cpu_seconds(int(child)) for child in children)
    except (FileNotFoundError, ProcessLookupError):
        pass
    return total


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--rate", type=float, default=2.0, help="actions per second per client")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--drain", type=float, default=15.0, help="seconds to wait for owed replies")
    parser.add_argument("--redis-db", type=int, default=9)
    parser.add_argument("--tick-interval", type=int, default=30)
    parser.add_argument("--npcs", type=int, default=0, help="generated NPCs added to the seed world")
    parser.add_argument(
        "--crowd",
        action="store_true",
        help="leave every player at the starting place (each line then goes to every client) instead of "
        "spreading them over the world's places",
    )
    parser.add_argument("--web-processes", type=int, default=1, help="web processes sharing the port (WEB_PROCESSES)")
    parser.add_argument(
        "--timeline", action="store_true", help="also print acks, busy and ack latency per 5 s of the run"
    )
    parser.add_argument("--profile", help="write a py-spy profile of the web process to this file (raw format)")
    args = parser.parse_args()

    urls = served_urls()
    if urls is None:
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the benchmark builds a private world beside them.")
    log_dir = Path(tempfile.mkdtemp(prefix="htrae-bench-actions-"))
    world = ServedWorld.create(
        database_url=urls[0],
        redis_url=urls[1],
        redis_db=args.redis_db,
        log_dir=log_dir,
        extra_env={
            "TICK_INTERVAL_SECONDS": str(args.tick_interval),
            "AUTH_THROTTLE_IP_RATE": "100000/min",
            "LOG_LEVEL": "WARNING",
            "CONN_MAX_AGE": "60",  # production's default: connections kept, not opened per action
            "WEB_PROCESSES": str(args.web_processes),
        },
    )
    try:
        if args.npcs:
            world.manage("seed_world", "--npcs", str(args.npcs))
        world.manage("sync_tick_schedule")
        web = world.start_web()
        world.start_worker(concurrency=2)
        world.start_beat()
        clients = []
        for number in range(args.clients):
            player = world.register(f"bench{number}")
            clients.append(Client(number=number, token=player.token, character_id=player.character_id))
        if not args.crowd:  # players where players would be: all over the map, not in one square
            places = [row[0] for row in world.sql("SELECT id FROM world_location ORDER BY id")]
            for client in clients:
                world.sql(
                    "UPDATE world_character SET location_id = %s WHERE id = %s",
                    places[client.number % len(places)],
                    client.character_id,
                )
        cpu_before = {process.name: cpu_seconds(process.popen.pid) for process in world.processes}
        clients_cpu_before = time.process_time()  # the clients share the machine's cores with the world
        print(
            f"{args.clients} clients x {args.rate:g} actions/s for {args.seconds:g} s "
            f"(tick every {args.tick_interval} s; web log {web.log_path})",
            flush=True,
        )

        async def run_all() -> None:
            await asyncio.gather(
                *(
                    run_client(world, client, rate=args.rate, seconds=args.seconds, drain=args.drain)
                    for client in clients
                )
            )

        if args.profile:  # where the web process spends its time, sampled (py-spy)
            subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "py-spy"),
                    "record",
                    "--gil",
                    "-p",
                    str(web.popen.pid),
                    "-o",
                    args.profile,
                    "-f",
                    "raw",
                    "-d",
                    str(int(args.seconds)),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        started = time.monotonic()
        asyncio.run(run_all())
        elapsed = time.monotonic() - started
        report(world, clients, elapsed)
        if args.timeline:
            timeline(clients, started)
        cpu = {name: cpu_seconds(p.popen.pid) - cpu_before.get(name, 0.0) for name, p in named(world)}
        cpu["bench clients (this process)"] = time.process_time() - clients_cpu_before
        print("CPU seconds during the run: " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items()))
        ticks = world.sql("SELECT tick FROM world_worldclock")
        print(f"ticks during the run: world clock at tick {ticks[0][0] if ticks else '?'}")
    finally:
        world.destroy()


def timeline(clients: list[Client], started: float, *, window: float = 5.0) -> None:
    """Acks, busy refusals and ack latency by when the action was sent: a slow stretch (a
    tick, a garbage collection) shows as one window, not as a spread-out tail."""
    acks: dict[int, list[float]] = {}
    busy: Counter = Counter()
    for client in clients:
        for request_id, sent_at in client.sent.items():
            slot = int((sent_at - started) // window)
            if request_id in client.acked:
                acks.setdefault(slot, []).append(client.acked[request_id] * 1000)
            elif request_id in client.busy_ids:
                busy[slot] += 1
    print("sent at s   acked  busy  p50 ms  p95 ms  max ms")
    for slot in sorted(set(acks) | set(busy)):
        ms = acks.get(slot, [])
        print(
            f"{slot * window:5.0f}-{(slot + 1) * window:<4.0f}{len(ms):6d}{busy[slot]:6d}"
            f"{percentile(ms, 0.5):8.0f}{percentile(ms, 0.95):8.0f}{max(ms, default=float('nan')):8.0f}"
        )


def report(world: ServedWorld, clients: list[Client], elapsed: float) -> None:
    sent = sum(len(client.sent) for client in clients)
    acked_ids = {(client.character_id, rid) for client in clients for rid in client.acked}
    latencies = [latency for client in clients for latency in client.acked.values()]
    refused = sum((client.refused for client in clients), Counter())
    rows = world.sql(
        "SELECT character_id, request_id, count(*) FROM world_playeractionreceipt "
        "WHERE character_id = ANY(%s) GROUP BY character_id, request_id",
        [client.character_id for client in clients],
    )
    stored = {(character_id, request_id): count for character_id, request_id, count in rows}
    exactly_once = sum(1 for count in stored.values() if count == 1)
    more_than_once = sum(1 for count in stored.values() if count > 1)
    applied_unacked = len(set(stored) - acked_ids)
    acked_unstored = len(acked_ids - set(stored))
    closed = [client.closed_by_server for client in clients if client.closed_by_server is not None]
    ms = [latency * 1000 for latency in latencies]

    print(f"elapsed                  {elapsed:8.1f} s")
    print(f"sent                     {sent:8d}")
    print(f"acked                    {len(acked_ids):8d}")
    print(f"busy                     {refused.get('busy', 0):8d}")
    print(f"errors (other)           {sum(refused.values()) - refused.get('busy', 0):8d}  {dict(refused)}")
    print(f"unanswered               {sent - len(acked_ids) - sum(refused.values()):8d}")
    print(
        f"ack latency ms           p50 {percentile(ms, 0.5):.0f}  p95 {percentile(ms, 0.95):.0f}  "
        f"p99 {percentile(ms, 0.99):.0f}  max {max(ms, default=float('nan')):.0f}  "
        f"mean {statistics.fmean(ms) if ms else float('nan'):.0f}"
    )
    print(f"applied exactly once     {exactly_once:8d}")
    print(f"applied more than once   {more_than_once:8d}")
    print(f"applied but unacked      {applied_unacked:8d}")
    print(f"acked but unstored       {acked_unstored:8d}")
    print(f"sockets closed by server {len(closed):8d}  {Counter(closed) if closed else ''}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
