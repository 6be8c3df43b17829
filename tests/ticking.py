"""Running the world in a test until something has happened."""

from __future__ import annotations

from django.db.models import Model

from world.tick import run_tick


def tick_until(row: Model, status: str, *, limit: int) -> None:
    """Run up to `limit` forced ticks, stopping once `row` (re-read after each) has `status`."""
    for _ in range(limit):
        run_tick(force=True)
        row.refresh_from_db()
        if row.status == status:
            return
