"""Quest steps advanced by what happens in the world.

Outside a tick (players' actions, answers to them), every published event is looked at
right away. Inside a tick the `quests_tick` phase looks at all the tick's events at once,
at `wait` steps whose time has come and at deadlines, and now and then starts emergent
quests; the subscriber then stays out of the way, so the tick's per-batch cost does not grow.
"""

from __future__ import annotations

from django.conf import settings

from narrative.quests.emergent import emergent_quests_archive, emergent_quests_start, quests_called_off
from narrative.quests.services import quests_advance, quests_fail_overdue
from narrative.quests.takers import designer_quests_take_up
from world.events import ANY_EVENT, is_collecting, subscribe
from world.models import GameEvent
from world.tick import TickContext


@subscribe(ANY_EVENT)
def advance_quests(events: list[GameEvent]) -> None:
    if is_collecting():
        return
    quests_advance(events=events, tick=max(event.tick for event in events))


def quests_tick(context: TickContext) -> None:
    """The quest engine's share of a tick: advance steps on the tick's events and on time,
    fail what is overdue, and every QUEST_EMERGENCE_EVERY_TICKS ticks call off the quests whose
    givers had a change of heart, archive the emergent quests that ended, start new ones, and
    let idle NPCs take up designers' quests."""
    quests_advance(events=list(context.events), tick=context.tick, include_waits=True)
    quests_fail_overdue(tick=context.tick)
    every = settings.QUEST_EMERGENCE_EVERY_TICKS
    if every and context.tick % every == 0:
        quests_called_off(tick=context.tick)
        emergent_quests_archive()
        emergent_quests_start(tick=context.tick, seed=context.seed)
        designer_quests_take_up(tick=context.tick, seed=context.seed)
