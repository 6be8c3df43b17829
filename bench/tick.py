"""Benchmark: the world tick at two sizes, the seed world and the seed world plus N NPCs.

Builds a throwaway database (the configured one is left alone), runs warm-up ticks, then
times ticks and counts their queries, and prints a table. "cpu ms" is the median CPU time of
this process (the tick's Python, not the database server's) per tick: on a shared machine it
follows the code more than the wall time does. Run it against PostgreSQL for the
served-mode figure and without DATABASE_URL for the embedded (SQLite) one:

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
            f"{'events':>7}"
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
    timings, cpu, queries, events, characters = [], [], [], [], 0
    for _ in tqdm(range(ticks), unit="tick", desc=label, file=sys.stderr, disable=None, leave=False):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            result = run_tick(force=True, batch_size=batch_size)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries.append(len(captured))
        events.append(result.events)
        characters = result.characters
    print(
        f"{label:<28} {characters:>10} {statistics.median(timings):>10.0f} {max(timings):>8.0f} "
        f"{statistics.median(cpu):>8.0f} {max(queries):>8} {int(statistics.median(events)):>7}"
    )


if __name__ == "__main__":
    main()
