"""Benchmark: does the tick slow down as history grows, and does the retention policy bound it?

Builds a throwaway copy of the seed world (the configured database is left alone), runs
`--ticks` ticks as the world runs them (each followed by the retention policy,
`world.history.history_prune_after_tick`) and prints, every `--every` ticks, the median tick
time of the last window, the prune's time, and the rows kept in each log, and under it the
median of each step of the tick (`TickResult.phases`: where the growth goes). The retention window
is `--retention` ticks (at least the world's floor, 1000), so a run longer than it shows the
logs stop growing.

On PostgreSQL the bench runs `VACUUM (ANALYZE)` every `--vacuum-every` ticks (outside the
tick's time; "vacuum ms" is its median), as autovacuum does on a production server: a server
with autovacuum off (as this machine's CI server is) lets every character row the tick rewrites
leave a dead version behind, and by tick 1,000 the seed world's 27 characters filled 139 MB.
`--vacuum-every 0` leaves it to the server. Against PostgreSQL set DATABASE_URL; without it,
SQLite:

    .venv/bin/python bench/history.py --ticks 5000 --retention 1000

`--npcs N` adds N generated NPCs (with their memories) to the seed world: a crowded world
fills its logs far faster (at 10,000 NPCs some 30,000 memories a tick), so the tick's growth
shows within tens of ticks (DATABASE_URL set to PostgreSQL):

    .venv/bin/python bench/history.py --npcs 10000 --ticks 40 --every 5
"""

from __future__ import annotations

import argparse
import statistics
import time

from _setup import step_medians, throwaway_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=5000)
    parser.add_argument("--npcs", type=int, default=0, help="Generated NPCs added to the seed world.")
    parser.add_argument("--retention", type=int, default=1000, help="Ticks of history kept (at least 1000).")
    parser.add_argument("--every", type=int, default=200, help="Ticks per printed window.")
    parser.add_argument(
        "--vacuum-every", type=int, default=20, help="Ticks between VACUUM (ANALYZE) runs on PostgreSQL (0: never)."
    )
    args = parser.parse_args()

    with throwaway_database() as engine:
        from django.db import connection

        from gossip.models import Knowledge
        from memory.models import Memory
        from narrative.models import ConversationMessage
        from narrative.seeding.loader import generated_npcs_add, seed_world
        from spectra.models import EmotionSample
        from world.history import history_prune_after_tick
        from world.models import GameEvent, WorldClock
        from world.tick import run_tick

        seed_world()
        if args.npcs:
            generated_npcs_add(count=args.npcs, batch_size=5000)
        WorldClock.objects.update(history_retention_ticks=args.retention)
        extra = f" + {args.npcs} NPCs" if args.npcs else ""
        vacuum_every = args.vacuum_every if connection.vendor == "postgresql" else 0
        print(
            f"database: {engine}; seed world{extra}; retention {args.retention} ticks; {args.ticks} ticks; "
            f"vacuum every {vacuum_every or 'no'} ticks"
        )
        print(
            f"{'ticks':>11} {'median tick ms':>14} {'p90 ms':>7} {'prune ms':>9} {'vacuum ms':>9} "
            f"{'events':>8} {'samples':>8} {'lines':>7} {'memories':>9} {'facts':>7}"
        )
        first_window = last_window = None
        timings, prunes, vacuums = [], [], []
        steps: dict[str, list[float]] = {}
        for number in range(1, args.ticks + 1):
            started = time.perf_counter()
            result = run_tick(force=True)
            ticked = time.perf_counter()
            history_prune_after_tick()
            timings.append((ticked - started) * 1000)
            prunes.append((time.perf_counter() - ticked) * 1000)
            if not result.ran:
                raise SystemExit(f"the tick did not run: {result.skipped}")
            for step, seconds in result.phases.items():
                steps.setdefault(step, []).append(seconds * 1000)
            if vacuum_every and number % vacuum_every == 0:
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM (ANALYZE)")
                vacuums.append((time.perf_counter() - started) * 1000)
            if number % args.every == 0:
                median = statistics.median(timings)
                p90 = statistics.quantiles(timings, n=10)[-1]
                print(
                    f"{number - args.every + 1:>5}-{number:<5} {median:>14.0f} {p90:>7.0f} "
                    f"{statistics.median(prunes):>9.1f} {statistics.median(vacuums or [0]):>9.0f} "
                    f"{GameEvent.objects.count():>8} {EmotionSample.objects.count():>8} "
                    f"{ConversationMessage.objects.count():>7} {Memory.objects.count():>9} "
                    f"{Knowledge.objects.count():>7}",
                    flush=True,
                )
                # where the window's ticks spent their time, step by step (TickResult.phases)
                print(f"{'':>11} {step_medians(steps)}", flush=True)
                # the yardstick: the tick at 200 (after warm-up); a short run, its second window
                if number - args.every >= (200 if args.ticks >= 400 else args.every):
                    first_window = first_window or median
                last_window = median
                timings, prunes, vacuums, steps = [], [], [], {}
        if first_window and last_window:
            print(f"last window / the first window after warm-up: {last_window / first_window:.2f}")


if __name__ == "__main__":
    main()
