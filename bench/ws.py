"""Benchmark: a tick's frames reaching many WebSocket clients, in served mode, through Redis.

Starts a private served-mode world (its own PostgreSQL database and Redis database: the web
process as `make up` runs it, `--web-processes` of them on one port, a Celery worker and
Beat, so the world ticks every `--tick-interval` seconds), adds `--npcs` generated NPCs,
makes `--clients` players spread over the world's places, connects each over a real
WebSocket (`--connect-batch` at a time), and listens through `--ticks` ticks. For each tick
it prints, over the clients at an occupied place:

- commit-to-receipt: when the client got the tick's `world_update` for its place, after the
  tick's record says it finished (`TickRecord.finished_at`, just before the commit; the
  clients and the world share one clock, so this is the tick's commit and its broadcast),
  p50 / p95 / max, beside the tick's own time;
- frames lost: clients that never got that tick's `world_update` (must be 0);
- frames and bytes per client for the tick;

and before them the handshakes that failed and the sockets the server closed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/ws.py --clients 1000 --npcs 10000 --ticks 3

Players are made in one `manage.py shell` (a cheap password hasher there only: a thousand
registrations through the API would spend minutes hashing passwords).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.served.harness import ServedWorld, served_urls  # noqa: E402

MAKE_PLAYERS = """
import json
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from world import services
made = [services.player_register(username=f"listener{n}", password="lanterns-over-the-marsh") for n in range({count})]
print("PLAYERS " + json.dumps([[m.token, m.character.id] for m in made]))
"""


@dataclass
class Listener:
    token: str
    character_id: int
    received: dict[int, float] = field(default_factory=dict)  # tick -> when its world_update came
    frames: Counter = field(default_factory=Counter)  # tick -> frames
    bytes: Counter = field(default_factory=Counter)  # tick -> bytes
    failed: str = ""
    closed_by_server: int | None = None


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def listen(world: ServedWorld, listener: Listener, *, until: asyncio.Event, connected: asyncio.Semaphore):
    from websockets.exceptions import ConnectionClosed

    try:
        async with connected:  # a batch of handshakes at a time
            ws = await world.websocket(listener.token).__aenter__()
    except Exception as error:  # a refused or failed handshake
        listener.failed = f"{type(error).__name__}: {error}"[:120]
        return
    try:
        current_tick = 0
        while not until.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                continue
            now = time.time()
            frame = json.loads(raw)
            tick = frame.get("tick") or current_tick
            current_tick = max(current_tick, tick)
            listener.frames[tick] += 1
            listener.bytes[tick] += len(raw)
            if frame.get("type") == "world_update" and tick not in listener.received:
                listener.received[tick] = now
    except ConnectionClosed as closed:
        listener.closed_by_server = closed.rcvd.code if closed.rcvd else -1
    finally:
        await ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--npcs", type=int, default=10_000, help="generated NPCs added to the seed world")
    parser.add_argument("--ticks", type=int, default=3, help="ticks to measure")
    parser.add_argument("--tick-interval", type=int, default=30)
    parser.add_argument("--web-processes", type=int, default=1)
    parser.add_argument("--connect-batch", type=int, default=50, help="handshakes in flight at once")
    parser.add_argument("--redis-db", type=int, default=9)
    parser.add_argument("--proxy", action="store_true", help="connect through nginx (deploy/nginx.conf), as deployed")
    args = parser.parse_args()

    urls = served_urls()
    if urls is None:
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the benchmark builds a private world beside them.")
    world = ServedWorld.create(
        database_url=urls[0],
        redis_url=urls[1],
        redis_db=args.redis_db,
        log_dir=Path(tempfile.mkdtemp(prefix="htrae-bench-ws-")),
        extra_env={
            "TICK_INTERVAL_SECONDS": str(args.tick_interval),
            "LOG_LEVEL": "WARNING",
            "CONN_MAX_AGE": "60",
            "WEB_PROCESSES": str(args.web_processes),
        },
    )
    try:
        started = time.monotonic()
        if args.npcs:
            world.manage("seed_world", "--npcs", str(args.npcs), timeout=1800)
        out = world.manage("shell", "-c", MAKE_PLAYERS.replace("{count}", str(args.clients)), timeout=1800)
        made = json.loads(next(line for line in out.splitlines() if line.startswith("PLAYERS "))[8:])
        listeners = [Listener(token, character_id) for token, character_id in made]
        places = [row[0] for row in world.sql("SELECT id FROM world_location ORDER BY id")]
        world.sql(
            "UPDATE world_character SET location_id = (%s::bigint[])[1 + (id %% %s)] WHERE id = ANY(%s)",
            places,
            len(places),
            [listener.character_id for listener in listeners],
        )
        world.schedule_ticks(args.tick_interval)
        print(f"world ready in {time.monotonic() - started:.0f} s: {args.npcs} NPCs, {len(listeners)} players")
        if args.proxy:  # as an operator serves it: the sockets through nginx to daphne
            world.start_behind_proxy(http_workers=1)
        else:
            world.start_web()
        world.start_worker(concurrency=2)

        async def run() -> tuple[int, int]:
            until, connected = asyncio.Event(), asyncio.Semaphore(args.connect_batch)
            tasks = [asyncio.ensure_future(listen(world, lis, until=until, connected=connected)) for lis in listeners]
            while sum(1 for lis in listeners if lis.frames or lis.failed) < len(listeners):
                await asyncio.sleep(0.5)
            first = world.clock_tick()
            world.start_beat()
            print(f"{len(listeners)} sockets open at tick {first}; listening through {args.ticks} ticks", flush=True)
            deadline = time.monotonic() + args.tick_interval * (args.ticks + 2) + 600
            while world.clock_tick() < first + args.ticks + 1 and time.monotonic() < deadline:
                await asyncio.sleep(1)
            await asyncio.sleep(5)  # the last measured tick's frames still on their way
            until.set()
            await asyncio.gather(*tasks)
            return first + 1, first + args.ticks

        first, last = asyncio.run(run())
        report(world, listeners, first, last)
    finally:
        world.destroy()


def report(world: ServedWorld, listeners: list[Listener], first: int, last: int) -> None:
    failed = [lis for lis in listeners if lis.failed]
    closed = [lis.closed_by_server for lis in listeners if lis.closed_by_server is not None]
    print(f"handshakes failed        {len(failed):6d}  {Counter(lis.failed for lis in failed).most_common(2)}")
    print(f"sockets closed by server {len(closed):6d}  {dict(Counter(closed)) if closed else ''}")
    finished = {
        tick: at.timestamp() if isinstance(at, datetime) else float(at)
        for tick, at in world.sql(
            "SELECT tick, finished_at FROM world_tickrecord WHERE tick BETWEEN %s AND %s", first, last
        )
    }
    durations = dict(
        world.sql("SELECT tick, duration_ms FROM world_tickrecord WHERE tick BETWEEN %s AND %s", first, last)
    )
    connected = [lis for lis in listeners if not lis.failed]
    print("tick  tick ms  clients  lost  receipt p50 ms  p95 ms  max ms  frames/client  kB/client")
    for tick in range(first, last + 1):
        if tick not in finished:
            print(f"{tick:4d}  (no record: the tick did not run)")
            continue
        delays = [(lis.received[tick] - finished[tick]) * 1000 for lis in connected if tick in lis.received]
        lost = sum(1 for lis in connected if tick not in lis.received)
        frames = statistics.fmean([lis.frames[tick] for lis in connected]) if connected else 0
        kilobytes = statistics.fmean([lis.bytes[tick] for lis in connected]) / 1024 if connected else 0
        print(
            f"{tick:4d}  {durations.get(tick, 0):7d}  {len(connected):7d}  {lost:4d}  {percentile(delays, 0.5):14.0f}"
            f"  {percentile(delays, 0.95):6.0f}  {max(delays, default=float('nan')):6.0f}"
            f"  {frames:13.1f}  {kilobytes:9.1f}"
        )
    per_place = defaultdict(int)
    for row in world.sql("SELECT location_id, count(*) FROM world_character WHERE kind = 'player' GROUP BY 1"):
        per_place[row[0]] = row[1]
    print(f"players per place: {min(per_place.values(), default=0)}-{max(per_place.values(), default=0)}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
