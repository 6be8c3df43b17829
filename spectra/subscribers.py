"""The spectra app's subscriptions: the emotion core listens to everything that happens."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from htrae.background import run_in_background
from htrae.vocabulary import EventType
from spectra import services
from spectra.feelings import NOT_APPRAISED
from spectra.mind import goals_advance
from spectra.models import AppraisalRule, EmotionType, Standard
from spectra.resonance import resonance_apply
from spectra.selectors import rulebook_forget
from spectra.tasks import mind_catch_up as mind_catch_up_task
from world.events import ANY_EVENT, is_collecting, subscribe
from world.locks import in_mind_work
from world.models import GameEvent, Location
from world.tick import PHASE_FEELINGS, register_tick_phase


def _mind_work(work: str, events: list[GameEvent]) -> None:
    """Do `work` ("feelings" or "goals") for `events` now if this is mind work already (a
    reply, a catch-up), else after the caller commits, as mind work of its own: a player's
    transaction never moves others' feelings, places or goals (the lock order of world.locks)."""
    if in_mind_work():
        services.MIND_WORK[work](events)
    else:
        event_ids = [event.id for event in events]
        transaction.on_commit(partial(run_in_background, mind_catch_up_task, work=work, event_ids=event_ids))


@subscribe(ANY_EVENT)
def appraise_events(events: list[GameEvent]) -> None:
    """Everyone touched by an event feels something about it (the appraisal rules decide).
    During a tick, Spectra's tick phase appraises all of the tick's events at once instead."""
    events = [event for event in events if event.type not in NOT_APPRAISED]
    if events and not is_collecting():
        _mind_work("feelings", events)


@subscribe(EventType.SPECTRA_EMOTION_CHANGED)
def resonate(events: list[GameEvent]) -> None:
    """The resonance engine: her mood changed, so does the world around her. Inside a tick
    her tick phase resonates once at the end instead; off the tick it is mind work, which
    published this event, so it runs there."""
    if not is_collecting() and in_mind_work():
        resonance_apply()


@subscribe(
    EventType.SPECTRA_EXPLORED,
    EventType.SPECTRA_CREATED,
    EventType.SPECTRA_TALKED,
    EventType.SPECTRA_PURSUED_GOAL,
    EventType.SPECTRA_MOVED,
    EventType.SPECTRA_RESTED,
    *sorted(EventType.OBJECT_EVENTS),  # her life goals: a bell tolled, a gift, a thing held
)
def advance_goals(events: list[GameEvent]) -> None:
    if is_collecting():
        goals_advance(events=events)
    else:
        _mind_work("goals", events)


register_tick_phase(services.spectra_tick, stage=PHASE_FEELINGS, name="feelings")

# A designer's edit of the emotion table applies at once in this process.
for model in (AppraisalRule, EmotionType, Standard, Location):  # places: their names (appraisal._words)
    post_save.connect(rulebook_forget, sender=model, dispatch_uid=f"rulebook-forget-save-{model.__name__}")
    post_delete.connect(rulebook_forget, sender=model, dispatch_uid=f"rulebook-forget-delete-{model.__name__}")
