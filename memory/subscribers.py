"""The memory app's subscriptions: characters remember what they did, heard and saw.

Outside a tick (a player speaks, Spectra answers) the events are remembered as they are
published. Inside a tick the characters' own actions are remembered once, by the tick phase
`memory.services.memory_tick`, with all of the tick's events (a constant cost per tick rather
than per batch); only what the phases publish (mood changes, the quest engine's turns) is
remembered here, as it is published.
"""

from __future__ import annotations

from memory import recollection, services
from world.events import is_collecting, subscribe
from world.models import GameEvent
from world.tick import PHASE_MEMORY, register_tick_phase


@subscribe(*sorted(recollection.REMEMBERED_TYPES))
def remember_events(events: list[GameEvent]) -> None:
    if is_collecting():
        events = [event for event in events if event.type in recollection.PHASE_EVENTS]
    if events:
        services.memories_from_events(events=events)


register_tick_phase(services.memory_tick, stage=PHASE_MEMORY, name="memory")
