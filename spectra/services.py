"""Services of the spectra app: the emotion core at work on the world.

- `feelings_update`: appraise events for everyone they touch (Spectra and NPCs), move their
  feelings, keep history, publish every mood change (SPECTRA_EMOTION_CHANGED /
  NPC_EMOTION_CHANGED). Runs as an event-bus subscriber.
- `resonance_apply`: the resonance engine. Spectra's mood tints the light, colour and sound
  where she is, fading with distance; places she has left relax back to their own base.
- `spectra_tick`: her part of every tick: relax toward her baseline, resonate, show an idle
  behaviour, think, keep her goals in order, and publish her status when it changed.

Every function costs a constant number of queries, whatever the world's size.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import deque

from django.conf import settings
from django.db.models import Q

from htrae.bulk import bulk_update_columns
from spectra import life_goals
from spectra.appraisal import EventView, Perceiver, appraise
from spectra.emotion import (
    Feeling,
    baseline_from_personality,
    feel,
    feeling_from_json,
    intensity,
    mood_ring,
)
from spectra.expression import choose_expression
from spectra.models import EmotionSample, SpectraGoal, SpectraMind
from spectra.selectors import rulebook_get, spectra_get, spectra_status_get
from spectra.thoughts import compose_thought, remember_thought
from world.environment import effective_environment
from world.events import EventDraft, EventType, is_collecting, publish, publish_many
from world.locks import mind_writer, retrying
from world.models import Character, GameEvent, Location, Path
from world.selectors import world_now_get
from world.tick import TickContext

# Events about feelings and surroundings are not themselves appraised (no feedback loops).
NOT_APPRAISED = frozenset(
    {
        EventType.SPECTRA_EMOTION_CHANGED,
        EventType.NPC_EMOTION_CHANGED,
        EventType.ENVIRONMENT_UPDATE,
        EventType.SPECTRA_STATUS_CHANGED,
        EventType.SPECTRA_EXPRESSED,
    }
)
RESONANCE_REACH = 2  # places this many paths away still feel her mood
RESONANCE_FADE = 0.5  # each path away halves it; a place she left halves it each tick
RESONANCE_FLOOR = 0.05  # below this a tint is gone
THOUGHT_EVERY_TICKS = 3
GOAL_PURSUIT_STEP = 0.08
DEFAULT_GOAL_ADVANCES = {"SPECTRA_EXPLORED": 0.01, "SPECTRA_CREATED": 0.015, "SPECTRA_TALKED": 0.01}

MOOD_LIGHT = {
    "calm": 0.75,
    "joy": 0.95,
    "intensity": 0.85,
    "melancholy": 0.3,
    "curiosity": 0.8,
    "unease": 0.4,
    "wonder": 0.9,
}
MOOD_SOUND = {
    "calm": "a soft hum hangs in the air",
    "joy": "bright chimes ring on the air",
    "intensity": "a rising thrum, like a held storm",
    "melancholy": "a low, slow drone",
    "curiosity": "small clicks and whispers",
    "unease": "a brittle, uneven ticking",
    "wonder": "a shimmering choral swell",
}


def _half_life() -> float:
    return settings.EMOTION_HALF_LIFE_TICKS


# --- Feelings ------------------------------------------------------------------------------


def feelings_update(*, events: list[GameEvent], tick: int, always: frozenset[int] = frozenset()) -> dict[int, Feeling]:
    """Appraise `events` for Spectra and the NPCs they touch and move their feelings.

    Characters in `always` are updated (relaxed toward baseline, sampled) even if nothing
    touched them. Returns the new feelings by character id.
    """
    views = [
        EventView(type=event.type, actor_id=event.actor_id, location_id=event.location_id, payload=event.payload)
        for event in events
        if event.type not in NOT_APPRAISED
    ]
    rules = rulebook_get()
    views = [view for view in views if rules.concerns(view)]
    if not views and not always:
        return {}

    involved: set[int] = set(always)
    npc_witness_places: set[int] = set()
    for view in views:
        involved.add(view.actor_id or 0)
        involved.add(view.payload.get("listener_id") or 0)
        target = view.payload.get("target")
        if isinstance(target, dict) and target.get("type") == "character":
            involved.add(target.get("id") or 0)
        if view.location_id and rules.rules_for(view, "witness", "npc"):
            npc_witness_places.add(view.location_id)
    candidates = (
        Character.objects.filter(is_active=True)
        .exclude(kind=Character.Kind.PLAYER)
        .filter(
            Q(kind=Character.Kind.SPECTRA)
            | Q(id__in=involved - {0})
            | Q(kind=Character.Kind.NPC, location_id__in=npc_witness_places)
        )
        .only("id", "name", "kind", "location_id", "personality", "emotional_state")
        .order_by("id")
    )
    return _feel_and_record(candidates, views, rules, tick=tick, always=always)


def _views_by_concern(views: list[EventView], rules) -> dict:
    """Index the events by who they can concern, so each character looks only at its own
    (a tick at 10,000 NPCs has some 12,000 events: all-against-all would be 10^8 lookups)."""
    by_person: dict[int, list[int]] = {}
    by_place: dict[tuple[str, int | None], list[int]] = {}
    for index, view in enumerate(views):
        people = {view.actor_id, view.payload.get("listener_id")}
        target = view.payload.get("target")
        if isinstance(target, dict) and target.get("type") == "character":
            people.add(target.get("id"))
        for person in people - {None}:
            by_person.setdefault(person, []).append(index)
        for kind in ("spectra", "npc"):
            # witnesses (and players naming someone) matter only where a rule says so
            if rules.rules_for(view, "witness", kind) or (
                view.type == "PLAYER_SPOKE" and rules.rules_for(view, "addressed", kind)
            ):
                by_place.setdefault((kind, view.location_id), []).append(index)
    return {"person": by_person, "place": by_place}


def _concerning(index: dict, views: list[EventView], me: Perceiver) -> list[EventView]:
    positions = {
        *index["person"].get(me.id, ()),
        *index["place"].get((me.kind, me.location_id), ()),
        *index["place"].get((me.kind, None), ()),
    }
    return [views[position] for position in sorted(positions)]


def _feel_and_record(characters, views, rules, *, tick: int, always: frozenset[int]) -> dict[int, Feeling]:
    updates, samples, drafts = [], [], []
    feelings: dict[int, Feeling] = {}
    spectra_changed = False
    index = _views_by_concern(views, rules)
    for character in characters:
        me = Perceiver(id=character.id, kind=character.kind, name=character.name, location_id=character.location_id)
        impulses = [impulse for view in _concerning(index, views, me) for impulse in appraise(view, me, rules)]
        if not impulses and character.id not in always:
            continue
        baseline = baseline_from_personality(character.personality or {})
        previous = feeling_from_json(character.emotional_state, default_tick=tick)
        feeling = feel(previous, baseline=baseline, impulses=impulses, tick=tick, half_life_ticks=_half_life())
        feelings[character.id] = feeling
        updates.append((character.id, feeling.as_json(baseline=baseline)))
        cause = max(impulses, key=lambda impulse: impulse.intensity).cause if impulses else "time"
        old_mood = previous.mood if previous else (character.emotional_state or {}).get("mood")
        if feeling.mood != old_mood or character.id in always:
            samples.append(_sample(character.id, feeling, baseline, tick, cause))
        if feeling.mood != old_mood:
            drafts.append(_mood_change_draft(character, old_mood, feeling, baseline, tick, cause))
        spectra_changed |= character.kind == Character.Kind.SPECTRA
    bulk_update_columns(Character, ["emotional_state"], updates)
    if samples:
        world_time = world_now_get().world_time
        for sample in samples:
            sample.world_time = world_time
        EmotionSample.objects.bulk_create(samples)
    publish_many(drafts)
    if spectra_changed and not is_collecting():
        # Outside a tick (a player spoke to her): let clients see it now, not at the next tick.
        spectra_status_publish_if_changed()
    return feelings


def _sample(character_id, feeling: Feeling, baseline, tick, cause) -> EmotionSample:
    return EmotionSample(
        character_id=character_id,
        tick=tick,
        mood=feeling.mood,
        pleasure=feeling.state.pleasure,
        arousal=feeling.state.arousal,
        dominance=feeling.state.dominance,
        intensity=round(intensity(feeling.state, baseline), 4),
        cause=cause[:120],
    )


def _mood_change_draft(character, old_mood, feeling: Feeling, baseline, tick, cause) -> EventDraft:
    event_type = (
        EventType.SPECTRA_EMOTION_CHANGED if character.kind == Character.Kind.SPECTRA else EventType.NPC_EMOTION_CHANGED
    )
    strength = intensity(feeling.state, baseline)
    return EventDraft(
        type=event_type,
        payload={
            "actor_id": character.id,
            "actor_name": character.name,
            "actor_kind": character.kind,
            "from": old_mood,
            "to": feeling.mood,
            "pleasure": feeling.state.pleasure,
            "arousal": feeling.state.arousal,
            "dominance": feeling.state.dominance,
            "intensity": round(strength, 4),
            "color": mood_ring(feeling.mood, strength)["hex"],
            "cause": cause,
        },
        tick=tick,
        location_id=character.location_id,
        actor_id=character.id,
    )


# --- Resonance -----------------------------------------------------------------------------


def _distances(start: int, paths: list[tuple[int, int, bool]], reach: int) -> dict[int, int]:
    """Paths away from `start`, up to `reach` (breadth-first over the map graph)."""
    neighbours: dict[int, set[int]] = {}
    for source, target, two_way in paths:
        neighbours.setdefault(source, set()).add(target)
        if two_way:
            neighbours.setdefault(target, set()).add(source)
    distances, frontier = {start: 0}, deque([start])
    while frontier:
        here = frontier.popleft()
        if distances[here] == reach:
            continue
        for there in neighbours.get(here, ()):
            if there not in distances:
                distances[there] = distances[here] + 1
                frontier.append(there)
    return distances


def resonance_field(*, location_id: int, mood: str, strength: float, paths) -> dict[int, dict]:
    """The tint Spectra's mood lays on each place within reach (pure)."""
    strength = round(strength * 10) / 10  # in steps, so small drifts don't repaint the map
    color = mood_ring(mood, strength)["hex"]
    near = 0.3 + 0.6 * strength
    return {
        place: {
            "mood": mood,
            "weight": round(near * RESONANCE_FADE**distance, 2),
            "light": MOOD_LIGHT.get(mood, 0.7),
            "color": color,
            "sound": MOOD_SOUND.get(mood, ""),
        }
        for place, distance in _distances(location_id, paths, RESONANCE_REACH).items()
    }


def resonance_apply(*, tick: int | None = None) -> list[int]:
    """Tint the places around Spectra by her mood and let the others relax; publish
    ENVIRONMENT_UPDATE for each place whose environment changed. Returns their ids."""
    spectra = Character.objects.filter(kind=Character.Kind.SPECTRA, is_active=True).first()
    paths = list(Path.objects.order_by("id").values_list("source_id", "target_id", "two_way"))
    field: dict[int, dict] = {}
    if spectra is not None:
        baseline = baseline_from_personality(spectra.personality or {})
        feeling = feeling_from_json(spectra.emotional_state, default_tick=0)
        mood = feeling.mood if feeling else (spectra.emotional_state or {}).get("mood", "calm")
        strength = intensity(feeling.state, baseline) if feeling else 0.3
        field = resonance_field(location_id=spectra.location_id, mood=mood, strength=strength, paths=paths)

    # By id, not the model's name ordering: the events' order must not follow place names.
    places = (
        Location.objects.filter(Q(id__in=field) | ~Q(resonance={}))
        .order_by("id")
        .values("id", "name", "light", "color", "sound", "resonance")
    )
    updates, drafts = [], []
    tick = tick if tick is not None else world_now_get().tick
    for place in places:
        current = place["resonance"] or {}
        if place["id"] in field:
            wanted = field[place["id"]]
        else:  # she is gone: the tint fades
            weight = round(float(current.get("weight", 0.0)) * RESONANCE_FADE, 2)
            wanted = {**current, "weight": weight} if weight >= RESONANCE_FLOOR else {}
        if wanted == current:
            continue
        updates.append((place["id"], wanted))
        environment = effective_environment(
            light=place["light"], color=place["color"], sound=place["sound"], resonance=wanted
        )
        drafts.append(
            EventDraft(
                type=EventType.ENVIRONMENT_UPDATE,
                payload={"location_name": place["name"], "environment": environment, "source": "spectra"},
                tick=tick,
                location_id=place["id"],
                actor_id=spectra.id if spectra and place["id"] in field else None,
            )
        )
    bulk_update_columns(Location, ["resonance"], updates)
    publish_many(drafts)
    return [place_id for place_id, _ in updates]


# --- Spectra's part of the tick ------------------------------------------------------------


def spectra_tick(context: TickContext) -> None:
    """Registered as a tick phase. Everyone touched by this tick's events feels it, all at
    once (so neither batch size nor order changes a feeling); Spectra also relaxes toward her
    baseline, resonates, expresses, thinks, plans, and publishes her status if it changed."""
    spectra = spectra_get()
    always = frozenset({spectra.id}) if spectra is not None and spectra.is_active else frozenset()
    feelings = feelings_update(events=list(context.events), tick=context.tick, always=always)
    if not always:
        return
    feeling = feelings[spectra.id]
    old_mood = (spectra.emotional_state or {}).get("mood")

    resonance_apply(tick=context.tick)

    mind, _ = SpectraMind.objects.get_or_create(character=spectra)
    rng = random.Random(f"{context.seed}:{context.tick}:spectra-mind")
    expression = choose_expression(mood=feeling.mood, tick=context.tick, last_shown=mind.expression_log or {}, rng=rng)
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


# Mind work off the tick (world.locks): what a player's action sets off in others' minds.
MIND_WORK = {
    "feelings": lambda events: feelings_update(events=events, tick=world_now_get().tick),
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


def spectra_status_publish_if_changed(*, mind: SpectraMind | None = None) -> GameEvent | None:
    """Publish SPECTRA_STATUS_CHANGED (clients get `spectra_status_update`) only if what
    they would see differs from the last one published."""
    status = spectra_status_get()
    if status is None:
        return None
    fingerprint = hashlib.sha256(
        json.dumps({key: value for key, value in status.items() if key != "tick"}, sort_keys=True, default=str).encode()
    ).hexdigest()
    mind = mind or SpectraMind.objects.get_or_create(character_id=status["id"])[0]
    if mind.status_fingerprint == fingerprint:
        return None
    SpectraMind.objects.filter(pk=mind.pk).update(status_fingerprint=fingerprint)
    mind.status_fingerprint = fingerprint
    return publish(
        EventType.SPECTRA_STATUS_CHANGED,
        status,
        tick=status["tick"],
        location_id=None,
        actor_id=status["id"],
        broadcast=not is_collecting(),
    )
