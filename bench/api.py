"""Benchmark: the REST API under 32 concurrent clients, in served mode, on a world of 10,000 NPCs.

Builds a private served-mode world (by default on a throwaway PostgreSQL cluster of its own,
so that a web process exhausting connections never starves a shared server): the seed world
plus N generated NPCs, each with memories, and a recent history of events; registers one
player per client (each with memories of its own); starts the web process as `make up` runs
it: `--server daphne` the `web` process (`manage.py serve --no-tick`), `--server gunicorn` the
`http` process (gunicorn, `htrae/gunicorn_conf.py`, `--http-workers N`), `--server nginx` both
behind `deploy/nginx.conf` (nginx must be installed). Then, endpoint by endpoint, C clients send requests
back to back for T seconds each, and it prints per endpoint: requests, requests a second,
p50 / p95 / p99 latency of the 2xx answers, errors (by status, or the exception's name), and
the most PostgreSQL connections the web process held at once (`pg_stat_activity`, sampled
every 50 ms), and the CPU the clients themselves took (a share of one core: they run on the
same machine).
`/healthz` (no database) is the same server's ceiling.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/api.py --npcs 10000 --clients 32 --seconds 10

`--database-url postgres://...` builds the world on that server instead of a private
cluster; `--env KEY=VALUE` passes a setting to the web process (e.g. `DATABASE_POOL=false`).
Targets (issue 10, 2-core machine): p95 <= 50 ms for /api/world/time, <= 100 ms for the others,
0 errors, PostgreSQL connections bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.served.harness import Player, PrivatePostgres, ServedWorld  # noqa: E402

WORDS = ["lamp", "light", "river", "bread", "market", "glass", "shard", "colour", "song", "wind", "stone", "gate"]


@dataclass
class Endpoint:
    name: str
    path: str  # `{character}` and `{after}` are filled in per client
    authenticated: bool = True


ENDPOINTS = [
    Endpoint("world/state", "/api/world/state"),
    Endpoint("world/time", "/api/world/time"),
    Endpoint("events?after=", "/api/events?after={after}"),
    Endpoint("spectra/status", "/api/spectra/status"),
    Endpoint("factions", "/api/factions"),
    Endpoint("character memories", "/api/character/{character}/memories"),
    Endpoint("healthz (ceiling)", "/healthz", authenticated=False),
]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, 2xx answers only
    errors: Counter = field(default_factory=Counter)  # status code or exception name -> count

    @property
    def requests(self) -> int:
        return len(self.latencies) + sum(self.errors.values())


def world_build(world: ServedWorld, *, npcs: int, memories_per_npc: int, events: int) -> None:
    """The seed world + `npcs` NPCs (bulk, as bench/tick.py), their memories and a recent
    history of events, written in bulk by SQL (the API reads them; how they came to be does
    not matter to it)."""
    if npcs:
        world.manage("seed_world", "--npcs", str(npcs))
    world.sql(
        """
        INSERT INTO memory_memory (created_at, updated_at, content, type, importance_score, timestamp,
                                   last_accessed_at, last_accessed_world_at, character_id, tick, feeling, tone)
        SELECT now(), now(), (%s::text[])[1 + (c.id + n) %% %s] || ' by the ' || (%s::text[])[1 + (c.id * n) %% %s],
               CASE WHEN n %% 10 = 0 THEN 'emotional' WHEN n > 5 THEN 'long_term' ELSE 'short_term' END,
               (c.id + n) %% 11, now() - n * interval '1 hour', now(), now() - n * interval '1 hour', c.id, n, '', ''
        FROM world_character c CROSS JOIN generate_series(1, %s) AS n
        WHERE c.kind = 'npc'
        """,
        WORDS,
        len(WORDS),
        WORDS,
        len(WORDS),
        memories_per_npc,
    )
    world.sql(
        """
        INSERT INTO world_gameevent (type, payload, timestamp, tick, actor_id, location_id)
        SELECT 'NPC_TALKED', jsonb_build_object('text', 'Have you heard of the ' || (%s::text[])[1 + n %% %s] || '?',
                                                'speaker', c.name),
               now() - (%s - n) * interval '100 milliseconds', n / 2000, c.id, c.location_id
        FROM generate_series(1, %s) AS n
        JOIN world_character c
          ON c.id = (SELECT min(id) FROM world_character) + n %% (SELECT count(*) FROM world_character)
        """,
        WORDS,
        len(WORDS),
        events,
        events,
    )
    world.sql("ANALYZE")


def players_register(world: ServedWorld, count: int, memories: int) -> list[Player]:
    players = [world.register(f"bench{number}") for number in range(count)]
    world.sql(
        """
        INSERT INTO memory_memory (created_at, updated_at, content, type, importance_score, timestamp,
                                   last_accessed_at, last_accessed_world_at, character_id, tick, feeling, tone)
        SELECT now(), now(), 'I saw the ' || (%s::text[])[1 + n %% %s], 'long_term', n %% 11,
               now() - n * interval '1 minute', now(), now(), c, n, '', ''
        FROM unnest(%s::bigint[]) AS c CROSS JOIN generate_series(1, %s) AS n
        """,
        WORDS,
        len(WORDS),
        [player.character_id for player in players],
        memories,
    )
    return players


async def hammer(base: str, endpoint: Endpoint, players: list[Player], *, after: int, seconds: float) -> Tally:
    """Every client sends the endpoint's request back to back for `seconds`."""
    tally = Tally()
    deadline = time.monotonic() + seconds

    async def client(player: Player) -> None:
        headers = {"Authorization": f"Token {player.token}"} if endpoint.authenticated else {}
        path = endpoint.path.format(character=player.character_id, after=after)
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    response = await http.get(path)
                except httpx.HTTPError as error:
                    tally.errors[type(error).__name__] += 1
                    continue
                if 200 <= response.status_code < 300:
                    tally.latencies.append(time.perf_counter() - started)
                else:
                    tally.errors[response.status_code] += 1

    await asyncio.gather(*(client(player) for player in players))
    return tally


def percentile_ms(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report_line(name: str, tally: Tally, seconds: float, peak_connections: int, client_cpu: float) -> str:
    errors = ", ".join(f"{key}: {count}" for key, count in tally.errors.most_common()) or "0"
    lat = tally.latencies
    return (
        f"{name:<20} {tally.requests:>8} {tally.requests / seconds:>8.1f} {percentile_ms(lat, 0.5):>8.0f} "
        f"{percentile_ms(lat, 0.95):>8.0f} {percentile_ms(lat, 0.99):>8.0f} {peak_connections:>9} "
        f"{client_cpu:>10.0%}   {errors}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npcs", type=int, default=10_000, help="generated NPCs added to the seed world")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (one registered player each)")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of load per endpoint")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds of load before each endpoint")
    parser.add_argument("--memories-per-npc", type=int, default=10)
    parser.add_argument("--player-memories", type=int, default=500, help="memories of each player's character")
    parser.add_argument("--events", type=int, default=20_000, help="events in the world's recent history")
    parser.add_argument("--database-url", help="build the world on this PostgreSQL server, not a private cluster")
    parser.add_argument("--database", help="the world's database name (default: htrae_served_<random>)")
    parser.add_argument("--postgres-port", type=int, help="the private cluster's port (default: a free one)")
    parser.add_argument("--port", type=int, help="the web process's port (default: a free one)")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="a setting for the web process")
    parser.add_argument(
        "--server",
        choices=["daphne", "gunicorn", "nginx"],
        default="daphne",
        help="daphne: the `web` process (`manage.py serve`); gunicorn: the `http` process (WSGI); "
        "nginx: both behind deploy/nginx.conf, as an operator serves them",
    )
    parser.add_argument("--http-workers", type=int, help="gunicorn's worker processes (HTTP_WORKERS)")
    parser.add_argument("--only", action="append", help="only the endpoints whose name starts with this")
    args = parser.parse_args()
    if not args.redis_url.startswith("redis://"):
        sys.exit("Set REDIS_URL (or --redis-url): served mode needs Redis.")

    private = None
    if not args.database_url:
        private = PrivatePostgres(port=args.postgres_port)
        private.init()
        private.start()
    database_url = args.database_url or private.url
    extra_env = {
        "AUTH_THROTTLE_IP_RATE": "100000/min",  # the players register from one address
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",  # production's default (the harness's is 0)
        **dict(pair.split("=", 1) for pair in args.env),
    }
    world = None
    try:
        started = time.monotonic()
        world = ServedWorld.create(
            database_url=database_url,
            redis_url=args.redis_url,
            redis_db=args.redis_db,
            log_dir=Path(tempfile.mkdtemp(prefix="htrae-bench-api-")),
            extra_env=extra_env,
            name=args.database,
        )
        world_build(world, npcs=args.npcs, memories_per_npc=args.memories_per_npc, events=args.events)
        if args.server == "gunicorn":
            web = world.start_http(port=args.port, workers=args.http_workers)
            base = world.http_process_base
        elif args.server == "nginx":
            _, web, _ = world.start_behind_proxy(http_workers=args.http_workers)
            base = world.proxy_base
        else:
            web = world.start_web(port=args.port)
            base = world.http_base
        players = players_register(world, args.clients, args.player_memories)
        after = world.sql("SELECT max(id) - 2000 FROM world_gameevent")[0][0]
        counts = world.sql(
            "SELECT (SELECT count(*) FROM world_character), (SELECT count(*) FROM memory_memory), "
            "(SELECT count(*) FROM world_gameevent), current_setting('max_connections')"
        )[0]
        print(
            f"world: {counts[0]:,} characters, {counts[1]:,} memories, {counts[2]:,} events "
            f"(built in {time.monotonic() - started:.0f} s); PostgreSQL max_connections {counts[3]}; "
            f"{args.clients} clients x {args.seconds:g} s per endpoint; {args.server}; web log {web.log_path}"
        )
        if args.env:
            print("web process settings: " + " ".join(args.env))
        print(
            f"{'endpoint':<20} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
            f"{'peak conns':>9} {'client cpu':>10}   errors"
        )
        sampler = world.connection_sampler()
        for endpoint in ENDPOINTS:
            if args.only and not any(endpoint.name.startswith(prefix) for prefix in args.only):
                continue
            with sampler:
                if args.warmup:
                    asyncio.run(hammer(base, endpoint, players, after=after, seconds=args.warmup))
                cpu_before = time.process_time()
                tally = asyncio.run(hammer(base, endpoint, players, after=after, seconds=args.seconds))
                client_cpu = (time.process_time() - cpu_before) / args.seconds
            print(report_line(endpoint.name, tally, args.seconds, sampler.peak, client_cpu), flush=True)
            if not web.alive():
                sys.exit(f"the web process died:\n{web.log()[-3000:]}")
    finally:
        if world is not None:
            world.destroy()
        if private is not None:
            private.destroy()


if __name__ == "__main__":
    main()
