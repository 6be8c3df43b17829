"""Benchmark: the world tick at two sizes, the seed world and the seed world plus N NPCs.

Builds a throwaway database (the configured one is left alone), runs warm-up ticks, then
times ticks and counts their queries, and prints a table. "cpu ms" is the median CPU time of
this process (the tick's Python, not the database server's) per tick: on a shared machine it
follows the code more than the wall time does.

On PostgreSQL each measured tick is followed, on the same database, by the SQL floor for the
same work (`sql_floor`): read the active characters, write them back with one
`UPDATE ... FROM unnest()` bound server-side, and COPY the tick's event rows into a copy of
the event table with the same indexes, in one transaction. "floor ms" is its median and
"x floor" the tick's median over it: what the tick costs beyond what the database must do.
Under each world's row, the median of each step of the tick as the tick itself times them
(`TickResult.phases`, the same figures as the `htrae_tick_phase_seconds` metric): clock (its
locks and the clock), load, plan, apply, then the registered phases; "the rest" lies between.
Between ticks, outside their time, it runs `VACUUM (ANALYZE)`, as autovacuum would.

Run it against PostgreSQL for the served-mode figure and without DATABASE_URL for the embedded (SQLite) one:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/tick.py --npcs 10000

The throwaway database is `test_bench_tick` (`--database NAME` names it instead, e.g. to keep
to a prefix of one's own on a shared server).

`--workers K` (served mode: PostgreSQL and REDIS_URL) fans the tick out (`world.tick_fanout`):
this process is the tick's coordinator and plans one share, a Celery worker of K - 1
processes started here plans the others; "shares" says how many shares workers planned and
how many the coordinator took back. "peak MB" is this process's peak resident memory.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from _setup import step_medians, throwaway_database
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npcs", type=int, default=10_000, help="Generated NPCs for the large world.")
    parser.add_argument("--ticks", type=int, default=5, help="Measured ticks per world size.")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--database", help="name of the throwaway database (default test_bench_tick)")
    parser.add_argument("--workers", type=int, default=1, help="Processes planning the tick (K - 1 Celery workers).")
    args = parser.parse_args()
    if args.workers > 1 and not (
        os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    ):
        raise SystemExit("--workers needs served mode: DATABASE_URL (PostgreSQL) and REDIS_URL")

    with throwaway_database(name=args.database) as engine:
        from django.conf import settings

        from narrative.seeding.loader import generated_npcs_add, seed_world

        batch = args.batch_size or settings.TICK_BATCH_SIZE
        settings.TICK_WORKERS = args.workers
        print(f"database: {engine}, batch size: {batch}, measured ticks: {args.ticks}, workers: {args.workers}")
        with celery_workers(args.workers - 1, batch):
            print(
                f"{'world':<28} {'characters':>10} {'median ms':>10} {'max ms':>8} {'cpu ms':>8} {'queries':>8} "
                f"{'events':>7} {'floor ms':>9} {'x floor':>8} {'peak MB':>8} {'shares':>10}"
            )
            seed_world()
            measure("seed world", args.ticks, batch)
            with tqdm(total=args.npcs, unit="npc", desc="NPCs", file=sys.stderr, disable=None, leave=False) as bar:
                generated_npcs_add(count=args.npcs, batch_size=5000, on_batch=bar.update)
            measure(f"seed world + {args.npcs} NPCs", args.ticks, batch)


@contextlib.contextmanager
def celery_workers(processes: int, batch_size: int) -> Iterator[None]:
    """A Celery worker of `processes` processes on the throwaway database, for the tick's
    shares; stopped (its whole process group) on the way out."""
    if processes < 1:
        yield
        return
    from django.db import connection

    parts = urlsplit(os.environ["DATABASE_URL"])
    database_url = urlunsplit((parts.scheme, parts.netloc, "/" + connection.settings_dict["NAME"], parts.query, ""))
    # The worker's "ready." line is logged at INFO: the bench's quieter LOG_LEVEL would hide it.
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TICK_BATCH_SIZE": str(batch_size),
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "INFO",
    }
    log = Path(tempfile.gettempdir()) / f"bench-tick-worker-{os.getpid()}.log"
    command = [sys.executable, "-m", "celery", "-A", "htrae", "worker", f"--concurrency={processes}", "--loglevel=INFO"]
    with log.open("w") as output:
        worker = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the Celery worker did not start; see {log}")
            time.sleep(0.2)
        print(f"Celery worker: {processes} processes (log: {log})")
        yield
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)


def measure(label: str, ticks: int, batch_size: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from world.tick import run_tick

    run_tick(force=True, batch_size=batch_size)  # warm-up
    vacuum()
    shares_before = _shares_planned()
    timings, cpu, queries, events, floors, characters = [], [], [], [], [], 0
    steps: dict[str, list[float]] = {}
    for _ in tqdm(range(ticks), unit="tick", desc=label, file=sys.stderr, disable=None, leave=False):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            result = run_tick(force=True, batch_size=batch_size)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries.append(len(captured))
        events.append(result.events)
        characters = result.characters
        for step, seconds in result.phases.items():
            steps.setdefault(step, []).append(seconds * 1000)
        steps.setdefault("the rest", []).append((result.seconds - sum(result.phases.values())) * 1000)
        floor = sql_floor(result.tick)
        if floor is not None:
            floors.append(floor)
        vacuum()
    median = statistics.median(timings)
    floor_cells = f"{'n/a':>9} {'n/a':>8}"
    if floors:
        floor_cells = f"{statistics.median(floors):>9.0f} {median / statistics.median(floors):>7.1f}x"
    by_workers, taken_back = (after - before for after, before in zip(_shares_planned(), shares_before, strict=True))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:<28} {characters:>10} {median:>10.0f} {max(timings):>8.0f} "
        f"{statistics.median(cpu):>8.0f} {max(queries):>8} {int(statistics.median(events)):>7} {floor_cells} "
        f"{peak_mb:>8.0f} {f'{by_workers:.0f} w/{taken_back:.0f} c':>10}"
    )
    # The tick's own account of its steps (TickResult.phases, as htrae_tick_phase_seconds shows).
    print(f"{'':<28}   {step_medians(steps)}")


def _shares_planned() -> tuple[float, float]:
    """Shares of fanned-out ticks so far: planned by workers, taken back by this process."""
    from prometheus_client import REGISTRY

    def planned_by(who: str) -> float:
        return REGISTRY.get_sample_value("htrae_tick_shares_total", {"planned_by": who}) or 0.0

    return planned_by("worker"), planned_by("coordinator")


def vacuum() -> None:
    """On PostgreSQL, between ticks and outside their time: what autovacuum does on a production
    server (this machine's CI server runs with it off). The warm-up wrote tens of thousands of
    rows into near-empty tables; with stale statistics perception's recent-talks read went
    through every talk event (0.24 s a batch, not 0.02), and every tick leaves a dead version
    of each character row it rewrote."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


FLOOR_EVENTS = "bench_floor_event"  # a copy of the event table, with its indexes, for the floor's COPY


def sql_floor(tick: int) -> float | None:
    """Milliseconds the database itself needs for one tick's work of `tick`: read every active
    character, write the columns a tick changes back in one `UPDATE ... FROM unnest()` (bound
    server-side, binary), COPY the tick's events into a table like the event table, commit.
    None on SQLite (no COPY, no unnest)."""
    from django.db import connection, transaction
    from psycopg.types.json import Jsonb

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {FLOOR_EVENTS} "
            "(LIKE world_gameevent INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)"
        )
        cursor.execute(f"TRUNCATE {FLOOR_EVENTS}")
        cursor.execute(
            "SELECT type, payload::text, timestamp, tick, location_id, actor_id FROM world_gameevent WHERE tick = %s",
            [tick],
        )
        # read before the clock starts (the floor writes them, not reads them); the payload
        # stays the JSON text it was, written as jsonb without parsing
        event_rows = [(kind, Jsonb(payload, dumps=str), *rest) for kind, payload, *rest in cursor.fetchall()]
    connection.ensure_connection()
    started = time.perf_counter()
    with transaction.atomic(), connection.connection.cursor() as raw:  # psycopg's own cursor: bound server-side
        # the documents travel as text both ways (Django's connection loads jsonb as text)
        raw.execute(
            "SELECT id, location_id, energy, needs::text, emotional_state::text, plan::text, goals::text "
            "FROM world_character WHERE is_active"
        )
        rows = raw.fetchall()
        columns = [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(7)]
        raw.execute(
            "UPDATE world_character AS c SET location_id = v.location_id, energy = v.energy, "
            "needs = v.needs::jsonb, emotional_state = v.emotional_state::jsonb, plan = v.plan::jsonb, "
            "goals = v.goals::jsonb "
            "FROM unnest(%b::bigint[], %b::bigint[], %b::float8[], %b::text[], %b::text[], %b::text[], "
            "%b::text[]) AS v(id, location_id, energy, needs, emotional_state, plan, goals) WHERE c.id = v.id",
            columns,
        )
        columns = "type, payload, timestamp, tick, location_id, actor_id"
        with raw.copy(f"COPY {FLOOR_EVENTS} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["varchar", "jsonb", "timestamptz", "int8", "int8", "int8"])
            for row in event_rows:
                copy.write_row(row)
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
