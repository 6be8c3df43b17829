"""The spectra app's subscriptions: the emotion core listens to everything that happens."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from spectra import services
from spectra.models import AppraisalRule, EmotionType
from spectra.selectors import rulebook_forget
from world.events import ANY_EVENT, EventType, is_collecting, subscribe
from world.models import GameEvent
from world.tick import register_tick_phase


@subscribe(ANY_EVENT)
def appraise_events(events: list[GameEvent]) -> None:
    """Everyone touched by an event feels something about it (the appraisal rules decide).
    During a tick, Spectra's tick phase appraises all of the tick's events at once instead."""
    if not is_collecting():
        services.feelings_update(events=events, tick=max(event.tick for event in events))


@subscribe(EventType.SPECTRA_EMOTION_CHANGED)
def resonate(events: list[GameEvent]) -> None:
    """The resonance engine: her mood changed, so does the world around her. Inside a tick
    her tick phase resonates once at the end instead."""
    if not is_collecting():
        services.resonance_apply()


@subscribe(
    EventType.SPECTRA_EXPLORED,
    EventType.SPECTRA_CREATED,
    EventType.SPECTRA_TALKED,
    EventType.SPECTRA_PURSUED_GOAL,
    EventType.SPECTRA_MOVED,
    EventType.SPECTRA_RESTED,
)
def advance_goals(events: list[GameEvent]) -> None:
    services.goals_advance(events=events)


register_tick_phase(services.spectra_tick)

# A designer's edit of the emotion table applies at once in this process.
for model in (AppraisalRule, EmotionType):
    post_save.connect(rulebook_forget, sender=model, dispatch_uid=f"rulebook-forget-save-{model.__name__}")
    post_delete.connect(rulebook_forget, sender=model, dispatch_uid=f"rulebook-forget-delete-{model.__name__}")
