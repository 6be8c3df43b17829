"""Benchmark: one character recalls its top 10 of 10,000 memories, with and without a query.

`--others N` adds N memories of other characters to the table (a world, not a lone mind);
one memory in a hundred mentions the lighthouse (a rare word, where a text index can help).
The memories are what consolidation leaves a long life with: the newest MEMORY_SHORT_TERM_CAP
short-term, the rest long-term (a tenth emotional).
With MEMORY_RELEVANCE_BACKEND=embedding every memory is embedded first (timed), then scored by
its embedding.

Builds a throwaway database (the configured one is left alone), then times
`memory.services.memories_retrieve` and counts its queries. Run it against PostgreSQL for
the served-mode figure and without DATABASE_URL for the embedded (SQLite) one:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/memory_retrieval.py
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import timedelta

from _setup import throwaway_database

WORDS = [
    "lamp",
    "light",
    "river",
    "bread",
    "market",
    "glass",
    "shard",
    "colour",
    "song",
    "wind",
    "stone",
    "gate",
    "bridge",
    "tower",
    "dream",
    "rain",
    "ember",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memories", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--others", type=int, default=0, help="memories of other characters in the table")
    args = parser.parse_args()

    with throwaway_database() as engine:
        from django.conf import settings
        from django.utils import timezone

        from memory.models import Memory
        from world.models import Character, Location, WorldClock

        now = timezone.now()
        WorldClock.objects.create(world_time=now)
        place = Location.objects.create(name="Bench", slug="bench")
        me = Character.objects.create(name="Rememberer", slug="rememberer", location=place)
        rng = random.Random(1)
        Memory.objects.bulk_create(
            [
                Memory(
                    character=me,
                    content=" ".join(rng.choices(WORDS, k=8)) + (" lighthouse" if i % 100 == 0 else ""),
                    type=_lived_type(i, args.memories, settings.MEMORY_SHORT_TERM_CAP),
                    importance_score=round(rng.uniform(0, 10), 1),
                    last_accessed_world_at=now - timedelta(hours=rng.uniform(0, 2000)),
                    tick=i,
                )
                for i in range(args.memories)
            ],
            batch_size=2000,
        )
        others = Character.objects.bulk_create(
            [Character(name=f"Other {i}", slug=f"other-{i}", location=place) for i in range(args.others // 200 + 1)]
        )
        Memory.objects.bulk_create(
            (
                Memory(
                    character=others[i // 200],
                    content=" ".join(rng.choices(WORDS, k=8)),
                    type=_lived_type(i % 200, 200, settings.MEMORY_SHORT_TERM_CAP),
                    importance_score=round(rng.uniform(0, 10), 1),
                    last_accessed_world_at=now - timedelta(hours=rng.uniform(0, 2000)),
                    tick=i,
                )
                for i in range(args.others)
            ),
            batch_size=2000,
        )
        if settings.MEMORY_RELEVANCE_BACKEND == "embedding":
            from memory.services import memories_embed

            started = time.perf_counter()
            memories_embed()
            print(f"embedded {Memory.objects.count()} memories in {time.perf_counter() - started:.1f} s")
        if engine == "postgresql":
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # plans as on a live database, not on empty statistics
        print(f"database: {engine}, memories: {args.memories} (+{args.others} of others), runs: {args.runs}")
        print(f"{'retrieval':<26} {'median ms':>10} {'max ms':>8} {'queries':>8}")
        measure("top 10, no query", me, None, args.runs)
        measure("top 10, 'red lamp river'", me, "red lamp river", args.runs)
        measure("top 10, 'the lighthouse'", me, "the lighthouse", args.runs)


def measure(label: str, character, query: str | None, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from memory.services import memories_retrieve

    memories_retrieve(character=character, query=query)  # warm-up
    timings, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            memories_retrieve(character=character, query=query)
            timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
    print(f"{label:<26} {statistics.median(timings):>10.1f} {max(timings):>8.1f} {max(queries):>8}")


def _lived_type(index: int, total: int, short_term_cap: int) -> str:
    """The newest `short_term_cap` are short-term (consolidation keeps no more); the older
    are long-term, one in ten emotional."""
    if index >= total - short_term_cap:
        return "short_term"
    return "emotional" if index % 10 == 0 else "long_term"


if __name__ == "__main__":
    main()
