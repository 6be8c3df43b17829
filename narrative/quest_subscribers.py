"""Quest steps advanced by what happens in the world.

Outside a tick (players' actions, answers to them), every published event is looked at
right away. Inside a tick the `quests_tick` phase looks at all the tick's events at once,
and at `wait` steps whose time has come; the subscriber then stays out of the way, so the
tick's per-batch cost does not grow.
"""

from __future__ import annotations

from narrative.services import quests_advance
from world.events import ANY_EVENT, is_collecting, subscribe
from world.models import GameEvent
from world.tick import TickContext


@subscribe(ANY_EVENT)
def advance_quests(events: list[GameEvent]) -> None:
    if is_collecting():
        return
    quests_advance(events=events, tick=max(event.tick for event in events))


def quests_tick(context: TickContext) -> None:
    quests_advance(events=list(context.events), tick=context.tick, include_waits=True)
