"""What every benchmark needs first: Django set up against a throwaway copy of the database.

The configured database is left alone: `throwaway_database()` creates a database of the
benchmark's own (`test_bench_<script>`, `.bench-<script>.sqlite3` on SQLite, or the name
given), yields the engine's short name, and drops it afterwards.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "htrae.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJK")
# A benchmark prints its own figures: the world's INFO lines (one per tick's broadcast) would
# come between them. LOG_LEVEL=INFO brings them back.
os.environ.setdefault("LOG_LEVEL", "WARNING")


@contextmanager
def throwaway_database(name: str | None = None) -> Iterator[str]:
    """`name`: the throwaway database's name instead of Django's `test_<configured name>`."""
    import django

    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic needed here
    django.setup()
    from django.conf import settings
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    if not name:  # a database of its own: never the test suite's, nor another benchmark's
        script = Path(sys.argv[0]).stem or "bench"
        sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        name = str(Path(settings.BASE_DIR) / f".bench-{script}.sqlite3") if sqlite else f"test_bench_{script}"
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        yield settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    finally:
        teardown_databases(databases, verbosity=0)


def step_medians(steps: dict[str, list[float]]) -> str:
    """ "steps, median ms: clock 2, load 11, ...": the median of each step of the tick
    (`TickResult.phases`, in milliseconds), in the order the tick ran them."""
    import statistics

    return "steps, median ms: " + ", ".join(f"{step} {statistics.median(ms):.0f}" for step, ms in steps.items())
