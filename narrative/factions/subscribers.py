"""Faction relations moved by what happens in the world, once per tick.

The `factions_tick` phase looks at all the tick's events at once, with the moods the
characters acted in (`TickContext.moods`), so its cost does not grow with the world: the
tick's gifts, kind words and clashes become opinion modifiers, and every
`FACTION_REVIEW_EVERY_TICKS` each faction's status and power are reviewed and spent
modifiers pruned (`narrative.factions.logic` has the rules).

Players' own words, spoken outside the tick, do not move relations.
"""

from __future__ import annotations

from narrative.factions.logic import FACTION_REVIEW_EVERY_TICKS
from narrative.factions.services import faction_incidents_apply, factions_review
from world.tick import TickContext


def factions_tick(context: TickContext) -> None:
    faction_incidents_apply(events=context.events, tick=context.tick, moods=context.moods)
    if context.tick % FACTION_REVIEW_EVERY_TICKS == 0:
        factions_review(tick=context.tick)
