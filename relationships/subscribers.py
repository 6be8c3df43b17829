"""The relationships app's hooks into the world: its tick phase, the regard and intention
sources of the autonomy core, and mind work after players' actions."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from htrae.background import run_in_background
from htrae.vocabulary import EventType
from relationships.intentions import friend_intentions
from relationships.selectors import regards_for, relationships_of
from relationships.services import relationships_from_events, relationships_tick
from relationships.tasks import relationships_catch_up
from world.api import register_own_character_section
from world.autonomy.intentions import register_intention_source
from world.autonomy.regard import register_regard_source
from world.events import is_collecting, subscribe
from world.locks import in_mind_work
from world.models import GameEvent
from world.selectors import world_now_get
from world.tick import PHASE_OPINIONS, register_tick_phase


@subscribe(*EventType.SPEECH, EventType.PLAYER_INTERACTED)
def opinions_move(events: list[GameEvent]) -> None:
    """Speech and turning to someone move opinions. In a tick the phase does it for the whole
    tick; in mind work (an answer to a player) now; after a player's own action, as mind work
    once it commits (a player's transaction takes no one else's rows)."""
    if is_collecting():
        return
    if in_mind_work():
        relationships_from_events(events)
    else:
        event_ids = [event.id for event in events]
        transaction.on_commit(partial(run_in_background, relationships_catch_up, event_ids=event_ids))


register_tick_phase(relationships_tick, stage=PHASE_OPINIONS, name="opinions")
register_regard_source(regards_for)
register_intention_source(friend_intentions)
register_own_character_section(
    "relationships", lambda character: relationships_of(character, tick=world_now_get().tick)
)
