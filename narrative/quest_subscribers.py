"""Quest steps advanced by what happens in the world.

Outside a tick (players' actions, answers to them), every published event is looked at
right away. Inside a tick the `quests_tick` phase looks at all the tick's events at once,
at `wait` steps whose time has come and at deadlines, and now and then starts emergent
quests (`narrative.quest_services.quests_tick_run`); the subscriber then stays out of the way, so the
tick's per-batch cost does not grow.
"""

from __future__ import annotations

from narrative.quest_services import quests_advance, quests_tick_run
from world.events import ANY_EVENT, is_collecting, subscribe
from world.models import GameEvent
from world.tick import TickContext


@subscribe(ANY_EVENT)
def advance_quests(events: list[GameEvent]) -> None:
    if is_collecting():
        return
    quests_advance(events=events, tick=max(event.tick for event in events))


def quests_tick(context: TickContext) -> None:
    quests_tick_run(tick=context.tick, seed=context.seed, events=list(context.events))
