"""What a player's action sets off in the world, run after the action commits.

A player's transaction writes only the player's own rows and events (world.locks). Its events
then reach their subscribers (conversations, memories, quests, lore, feelings, who answers)
as mind work of their own: `consequences_schedule` is called on commit, and
`event_consequences_apply` runs them (in a Celery worker in served mode).

Under a web server the events of a burst of actions travel together: they gather for
CONSEQUENCES_GATHER_SECONDS and go as one task, in event order, instead of one task per
action (the per-task cost was most of the worker's time under load, and one task keeps a
player's actions' consequences in the order they were made).
"""

from __future__ import annotations

from celery import shared_task

from htrae.background import Coalescer, run_in_background
from world.events import dispatch
from world.locks import mind_writer, retrying
from world.models import GameEvent

CONSEQUENCES_GATHER_SECONDS = 0.05
CONSEQUENCES_PER_TASK = 500  # events; a longer burst goes as several tasks, in order


def consequences_schedule(event_ids: list[int]) -> None:
    """On commit of a player's action: run what its events set off (gathered with other
    actions' under a web server, else sent at once)."""
    if not CONSEQUENCES.add(event_ids):
        _consequences_send(event_ids)


def _consequences_send(event_ids: list[int]) -> None:
    ordered = sorted(event_ids)
    for start in range(0, len(ordered), CONSEQUENCES_PER_TASK):
        run_in_background(event_consequences, event_ids=ordered[start : start + CONSEQUENCES_PER_TASK])


CONSEQUENCES = Coalescer(_consequences_send, delay=CONSEQUENCES_GATHER_SECONDS, name="actions' consequences")


def event_consequences_apply(*, event_ids: list[int]) -> None:
    """Run these events' subscribers as mind work in a transaction of its own, taking the
    world's locks in their one order (world.locks); run again once on a lock conflict. Events
    already gone (an action rolled back never schedules this) are skipped."""

    def apply() -> None:
        with mind_writer():
            events = list(GameEvent.objects.filter(id__in=event_ids).order_by("id"))
            if events:
                dispatch(events)

    retrying(apply, what="the consequences of players' actions")


EVENT_CONSEQUENCES_TASK = "world.event_consequences"


@shared_task(name=EVENT_CONSEQUENCES_TASK, ignore_result=True)
def event_consequences(*, event_ids: list[int]) -> None:
    """The Celery task of `event_consequences_apply` (served mode)."""
    event_consequences_apply(event_ids=event_ids)
