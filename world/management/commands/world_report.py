"""`manage.py world_report`: how alive the world's minds are, as a table (see
`world.reporting.liveliness`).

By default it runs a throwaway copy: a child process (`htrae.throwaway_settings`) migrates a
fresh SQLite file in a temporary folder, seeds it from the seed file, runs `--ticks` ticks
while `world.reporting.sampling.HistoryRecorder` samples it, prints the report and deletes
the folder; the configured world is never touched. `--live` instead reads the configured
world's own history (its last `--ticks` ticks) without ticking it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from world.reporting.liveliness import liveliness_report, report_text

THROWAWAY_SETTINGS = "htrae.throwaway_settings"


class Command(BaseCommand):
    help = (
        "Print the liveliness report of a throwaway copy of the world run for N ticks (or, with --live, of the world)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ticks", type=int, default=1000, help="Ticks to run (or, with --live, to read back).")
        parser.add_argument("--seed", type=int, default=None, help="The copy's world seed (default: WORLD_SEED).")
        parser.add_argument("--seed-file", default=None, help="The seed file to build the copy from.")
        parser.add_argument("--live", action="store_true", help="Read the configured world's history; run nothing.")
        parser.add_argument("--keep", default=None, help="Keep the copy's database at this path (for inspection).")
        parser.add_argument("--in-throwaway", action="store_true", help=argparse_hidden())

    def handle(self, *args, ticks, seed, seed_file, live, keep, in_throwaway, **options):
        if ticks < 1:
            raise CommandError("--ticks takes a positive number.")
        if live:
            from world.reporting.sampling import history_from_record

            self.stdout.write(report_text(liveliness_report(history_from_record(ticks=ticks))))
            return
        if in_throwaway:
            self._run_copy(ticks=ticks, seed=seed, seed_file=seed_file)
            return
        self._spawn_copy(ticks=ticks, seed=seed, seed_file=seed_file, keep=keep)

    def _spawn_copy(self, *, ticks, seed, seed_file, keep) -> None:
        """Run the copy in a child process whose settings point only at a new file."""
        with tempfile.TemporaryDirectory(prefix="htrae-report-") as folder:
            database = Path(keep).resolve() if keep else Path(folder) / "world.sqlite3"
            if database.exists():
                raise CommandError(f"{database} exists already: the copy starts from an empty file.")
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": THROWAWAY_SETTINGS,
                "HTRAE_THROWAWAY_DATABASE": str(database),
            }
            command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "world_report", "--in-throwaway"]
            command += ["--ticks", str(ticks)]
            if seed is not None:
                command += ["--seed", str(seed)]
            if seed_file:
                command += ["--seed-file", str(Path(seed_file).resolve())]
            child = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
            self.stdout.write(child.stdout, ending="")
            if child.returncode != 0:
                raise CommandError(f"The throwaway world failed (exit {child.returncode}).")

    def _run_copy(self, *, ticks, seed, seed_file) -> None:
        if settings.SETTINGS_MODULE != THROWAWAY_SETTINGS:
            raise CommandError("--in-throwaway is world_report's own: it runs only under htrae.throwaway_settings.")
        from narrative.seeding.loader import seed_world
        from world.models import WorldClock
        from world.reporting.sampling import HistoryRecorder, run_probes
        from world.tick import run_tick

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        seed_world(path=seed_file)
        if seed is not None:
            WorldClock.objects.filter(pk=WorldClock.SINGLETON_ID).update(seed=seed)
        recorder = HistoryRecorder()
        recorder.record()
        self.stderr.write(f"copy ready in {time.perf_counter() - started:.0f} s; running {ticks} ticks")
        for number in range(1, ticks + 1):
            result = run_tick(force=True)
            if not result.ran:
                raise CommandError(f"The tick did not run: {result.skipped}.")
            run_probes(tick=result.tick, ran=number)  # experiments (a planted fact) after the tick
            recorder.record()
            if number % 100 == 0 or number == ticks:
                self.stderr.write(f"  tick {number}/{ticks} ({time.perf_counter() - started:.0f} s)")
        clock_seed = WorldClock.objects.values_list("seed", flat=True).get()
        source = f"a throwaway copy of the seed world, seed {clock_seed}, {ticks} ticks"
        self.stdout.write(report_text(liveliness_report(recorder.history(source=source))))
        self.stderr.write(f"done in {time.perf_counter() - started:.0f} s")


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS
