"""Spectra's mind beyond her feelings: her idle behaviours, her thoughts and her goals."""

from __future__ import annotations

import random

from htrae.vocabulary import EventType
from spectra import life_goals
from spectra.emotion import Feeling
from spectra.expression import choose_expression
from spectra.models import SpectraGoal, SpectraMind
from spectra.selectors import spectra_get
from spectra.status import spectra_status_publish_if_changed
from spectra.thoughts import compose_thought, remember_thought
from world.events import publish
from world.models import Character, GameEvent, GrammarSymbol
from world.selectors import world_now_get
from world.tick import TickContext
from world.voice import grammars_rules_get

THOUGHT_EVERY_TICKS = 3
GOAL_PURSUIT_STEP = 0.08
DEFAULT_GOAL_ADVANCES = {"SPECTRA_EXPLORED": 0.01, "SPECTRA_CREATED": 0.015, "SPECTRA_TALKED": 0.01}


def spectra_mind_tick(context: TickContext, *, spectra: Character, feeling: Feeling, old_mood: str | None) -> None:
    """Her mind's part of a tick, after she felt it: show an idle behaviour, think, keep her
    goals in order, and publish her status if it changed."""
    mind, _ = SpectraMind.objects.get_or_create(character=spectra)
    rng = random.Random(f"{context.seed}:{context.tick}:spectra-mind")
    grammars = grammars_rules_get(GrammarSymbol.Grammar.EXPRESSIONS, GrammarSymbol.Grammar.THOUGHTS)
    expression = choose_expression(
        mood=feeling.mood,
        tick=context.tick,
        last_shown=mind.expression_log or {},
        rng=rng,
        rules=grammars[GrammarSymbol.Grammar.EXPRESSIONS],
        place=spectra.location.name,
    )
    if expression is not None:
        mind.expression = expression.as_json()
        mind.expression_log = {**(mind.expression_log or {}), expression.behaviour: context.tick}
        publish(
            EventType.SPECTRA_EXPRESSED,
            {"actor_id": spectra.id, "actor_name": spectra.name, "actor_kind": spectra.kind, **expression.as_json()},
            tick=context.tick,
            location_id=spectra.location_id,
            actor_id=spectra.id,
            broadcast=False,
        )

    goals = _goals_in_order(spectra)
    if context.tick % THOUGHT_EVERY_TICKS == 0 or feeling.mood != old_mood or not mind.thoughts:
        company = list(
            Character.objects.filter(location_id=spectra.location_id, is_active=True)
            .exclude(pk=spectra.pk)
            .order_by("id")
            .values_list("name", flat=True)[:5]
        )
        thought = compose_thought(
            mood=feeling.mood,
            place=spectra.location.name,
            company=company,
            goal=goals[0].title if goals else None,
            rng=rng,
            rules=grammars[GrammarSymbol.Grammar.THOUGHTS],
        )
        mind.thoughts = remember_thought(mind.thoughts or [], {**thought, "tick": context.tick})
    mind.save()
    spectra_status_publish_if_changed(mind=mind)


def _goals_in_order(spectra: Character) -> list[SpectraGoal]:
    """Her active goals by priority; made from her seed goals the first time, never none
    (`life_goals.life_goals_ensure`), and mirrored into `Character.goals` so the autonomy
    core pursues the most important first and never one she has achieved."""
    goals = list(SpectraGoal.objects.filter(character=spectra, status=SpectraGoal.Status.ACTIVE))
    if not goals and not SpectraGoal.objects.filter(character=spectra).exists():
        SpectraGoal.objects.bulk_create(
            [
                SpectraGoal(
                    character=spectra,
                    title=str(title)[:200],
                    priority=max(1, 8 - index),
                    advanced_by=DEFAULT_GOAL_ADVANCES,
                )
                for index, title in enumerate(spectra.goals or [])
            ]
        )
    if not goals:
        life_goals.life_goals_publish(life_goals.life_goals_ensure(spectra=spectra, tick=world_now_get().tick))
        goals = list(SpectraGoal.objects.filter(character=spectra, status=SpectraGoal.Status.ACTIVE))
    goals.sort(key=lambda goal: (-goal.priority, goal.id))
    titles = [goal.title for goal in goals]
    if titles != list(spectra.goals or []):
        Character.objects.filter(pk=spectra.pk).update(goals=titles)
        spectra.goals = titles
    return goals


def goals_advance(*, events: list[GameEvent]) -> None:
    """Move Spectra's goals forward by what she did, and achieve those the world shows done
    (`spectra.life_goals`); constant queries."""
    spectra = spectra_get()
    if spectra is None or not events:
        return
    spectra_events = [event for event in events if event.payload.get("actor_kind") == Character.Kind.SPECTRA]
    goals = _goals_in_order(spectra)  # her seed goals are made before anything can achieve one
    steps: dict[int, float] = {}
    for rank, goal in enumerate(goals):
        # What she does in general serves her foremost goal; pursuing a goal serves that one.
        step = sum(float((goal.advanced_by or {}).get(event.type, 0.0)) for event in spectra_events) if rank == 0 else 0
        step += GOAL_PURSUIT_STEP * sum(
            event.type == EventType.SPECTRA_PURSUED_GOAL and event.payload.get("goal") == goal.title
            for event in spectra_events
        )
        steps[goal.id] = step
    drafts = life_goals.life_goals_advance(spectra=spectra, events=events, steps=steps, tick=events[0].tick)
    life_goals.life_goals_publish(drafts)
    if drafts:
        _goals_in_order(spectra)
