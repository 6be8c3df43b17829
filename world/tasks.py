"""Celery tasks of the world app: thin wrappers around services."""

from celery import shared_task

from world.tick import run_tick

WORLD_TICK_TASK = "world.run_world_tick"


@shared_task(name=WORLD_TICK_TASK, ignore_result=True)
def run_world_tick() -> dict:
    """Beat sends this every tick interval; run_tick itself refuses duplicates and overlaps."""
    result = run_tick(close_channel_pools=True)
    return {"tick": result.tick, "skipped": result.skipped, "events": result.events}
