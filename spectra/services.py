"""Services of the spectra app: the emotion core's part of every tick, and the mind work a
player's action sets off. Each job lives in its own module:

- `spectra.feelings`: appraise events, move and relax everyone's feelings, publish mood changes;
- `spectra.resonance`: Spectra's mood tints the places around her;
- `spectra.mind`: her idle behaviours, thoughts and goals;
- `spectra.status`: her status as clients see it, published when it changed.
"""

from __future__ import annotations

from spectra.feelings import feelings_update
from spectra.mind import goals_advance, spectra_mind_tick
from spectra.resonance import resonance_apply
from spectra.selectors import spectra_get
from world.locks import mind_writer, retrying
from world.models import GameEvent
from world.selectors import world_now_get
from world.tick import TickContext


def spectra_tick(context: TickContext) -> None:
    """Registered as a tick phase. Everyone touched by this tick's events feels it, all at
    once (so neither batch size nor order changes a feeling); Spectra also relaxes toward her
    baseline, resonates, expresses, thinks, plans, and publishes her status if it changed."""
    spectra = spectra_get()
    always = frozenset({spectra.id}) if spectra is not None and spectra.is_active else frozenset()
    feelings = feelings_update(
        events=list(context.events),
        tick=context.tick,
        always=always,
        everyone=True,
        world_time=context.world_time,
        seed=context.seed,
    )
    if not always:
        return
    feeling = feelings[spectra.id]
    old_mood = (spectra.emotional_state or {}).get("mood")
    resonance_apply(tick=context.tick)
    spectra_mind_tick(context, spectra=spectra, feeling=feeling, old_mood=old_mood)


def _feelings_now(events: list[GameEvent]) -> None:
    now = world_now_get()
    feelings_update(events=events, tick=now.tick, world_time=now.world_time)


# Mind work off the tick (world.locks): what a player's action sets off in others' minds.
MIND_WORK = {
    "feelings": lambda events: _feelings_now(events),
    "goals": lambda events: goals_advance(events=events),
}


def mind_catch_up(*, work: str, event_ids: list[int]) -> None:
    """After a player's action commits: appraise its events for Spectra and the NPCs (and
    resonate), or advance her goals, as mind work in its own transaction (world.locks' order:
    the world shared, then the minds, then rows; run again once on a lock conflict). The
    current tick is the one felt at: the tick may have moved on since the action."""
    if work not in MIND_WORK:
        raise ValueError(f"unknown mind work {work!r}")

    def catch_up() -> None:
        with mind_writer():
            events = list(GameEvent.objects.filter(id__in=event_ids).order_by("id"))
            if events:
                MIND_WORK[work](events)

    retrying(catch_up, what=f"mind work ({work})")
