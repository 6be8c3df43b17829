"""`manage.py run_ticks N`: run N world ticks back to back, printing each tick's figures."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tqdm import tqdm

from world.history import history_prune_after_tick
from world.tick import run_tick


class Command(BaseCommand):
    help = "Run N ticks of the world now, as fast as they go (even if the world is paused)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many ticks to run.")
        parser.add_argument("--batch-size", type=int, default=None, help="Characters per batch (TICK_BATCH_SIZE).")

    def handle(self, *args, count: int, batch_size=None, **options):
        if count < 1:
            raise CommandError("Run at least one tick.")
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size takes a positive number.")
        total = 0.0
        # A progress bar on a terminal (stderr; none when piped), beside each tick's line.
        for _ in tqdm(range(count), unit="tick", desc="Ticking", file=sys.stderr, disable=None, leave=False):
            with CaptureQueriesContext(connection) as queries:
                result = run_tick(force=True, batch_size=batch_size)
            if not result.ran:
                raise CommandError(f"The tick did not run: {result.skipped}.")
            history_prune_after_tick()  # the retention policy, as after every tick
            total += result.seconds
            self.stdout.write(
                f"tick {result.tick}: {result.seconds * 1000:.0f} ms, {result.characters} characters, "
                f"{result.events} events, {result.batches} batches, {len(queries)} queries"
            )
        self.stdout.write(self.style.SUCCESS(f"{count} ticks in {total:.2f} s ({total / count * 1000:.0f} ms each)."))
