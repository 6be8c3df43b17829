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

Run it against PostgreSQL for the served-mode figure and without DATABASE_URL for the embedded (SQLite) one:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/tick.py --npcs 10000

The throwaway database is `test_bench_tick` (`--database NAME` names it instead, e.g. to keep
to a prefix of one's own on a shared server).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from _setup import throwaway_database
from tqdm import tqdm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npcs", type=int, default=10_000, help="Generated NPCs for the large world.")
    parser.add_argument("--ticks", type=int, default=5, help="Measured ticks per world size.")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--database", help="name of the throwaway database (default test_bench_tick)")
    args = parser.parse_args()

    with throwaway_database(name=args.database) as engine:
        from django.conf import settings

        from narrative.seeding.loader import generated_npcs_add, seed_world

        batch = args.batch_size or settings.TICK_BATCH_SIZE
        print(f"database: {engine}, batch size: {batch}, measured ticks: {args.ticks}")
        print(
            f"{'world':<28} {'characters':>10} {'median ms':>10} {'max ms':>8} {'cpu ms':>8} {'queries':>8} "
            f"{'events':>7} {'floor ms':>9} {'x floor':>8}"
        )
        seed_world()
        measure("seed world", args.ticks, batch)
        with tqdm(total=args.npcs, unit="npc", desc="NPCs", file=sys.stderr, disable=None, leave=False) as bar:
            generated_npcs_add(count=args.npcs, batch_size=5000, on_batch=bar.update)
        measure(f"seed world + {args.npcs} NPCs", args.ticks, batch)


def measure(label: str, ticks: int, batch_size: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from world.tick import run_tick

    run_tick(force=True, batch_size=batch_size)  # warm-up
    if connection.vendor == "postgresql":
        # The warm-up wrote tens of thousands of rows into near-empty tables: refresh the
        # planner's statistics, as autovacuum keeps them in a running world. Stale, they sent
        # perception's recent-talks read through every talk event (0.24 s a batch, not 0.02).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    timings, cpu, queries, events, floors, characters = [], [], [], [], [], 0
    for _ in tqdm(range(ticks), unit="tick", desc=label, file=sys.stderr, disable=None, leave=False):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            result = run_tick(force=True, batch_size=batch_size)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries.append(len(captured))
        events.append(result.events)
        characters = result.characters
        floor = sql_floor(result.tick)
        if floor is not None:
            floors.append(floor)
    median = statistics.median(timings)
    floor_cells = f"{'n/a':>9} {'n/a':>8}"
    if floors:
        floor_cells = f"{statistics.median(floors):>9.0f} {median / statistics.median(floors):>7.1f}x"
    print(
        f"{label:<28} {characters:>10} {median:>10.0f} {max(timings):>8.0f} "
        f"{statistics.median(cpu):>8.0f} {max(queries):>8} {int(statistics.median(events)):>7} {floor_cells}"
    )


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
