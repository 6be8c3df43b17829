"""Feelings: how events move the feelings of Spectra and the NPCs, and how feelings relax.

- `feelings_update`: appraise events for everyone they touch (Spectra and NPCs), move their
  feelings, keep history, publish every mood change (SPECTRA_EMOTION_CHANGED /
  NPC_EMOTION_CHANGED). Runs in the tick's Spectra phase and as mind work off the tick.

Every function costs a constant number of queries, whatever the world's size.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q

from htrae.bulk import bulk_create, bulk_update_columns
from htrae.vocabulary import EventType
from memory.selectors import emotional_memories_since
from relationships.selectors import affinities_between
from spectra.appraisal import EventView, Perceiver, appraise_all
from spectra.dreaming import DREAM_LOOKBACK_TICKS, Remembered, dream_of, dreams_this_tick
from spectra.emotion import (
    Feeling,
    Habituation,
    Impulse,
    as_felt_by,
    empathy,
    feel,
    feeling_from_json,
    habits_now,
    impulses_felt,
    intensity,
    mood_ring,
)
from spectra.life_goals import COUNTED_CEILING
from spectra.models import EmotionSample, SpectraGoal
from spectra.resting import baseline_from_personality, chronotype, with_the_body, with_the_day, with_the_light
from spectra.selectors import rulebook_get
from spectra.status import spectra_status_publish_if_changed
from world.autonomy.conversation import follows_in_exchange
from world.events import EventDraft, is_collecting, publish_many
from world.models import Character, GameEvent
from world.selectors import world_now_get

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


RESTING = frozenset({EventType.NPC_RESTED, EventType.SPECTRA_RESTED})  # this tick's sleepers rest quieter


def _half_life() -> float:
    return settings.EMOTION_HALF_LIFE_TICKS


def _habituation() -> Habituation:
    return Habituation(rate=settings.EMOTION_HABITUATION, half_life_ticks=settings.EMOTION_HABITUATION_HALF_LIFE_TICKS)


# --- Feelings ------------------------------------------------------------------------------


def feelings_update(
    *,
    events: list[GameEvent],
    tick: int,
    always: frozenset[int] = frozenset(),
    everyone: bool = False,
    world_time=None,
    seed: int | None = None,
) -> dict[int, Feeling]:
    """Appraise `events` for Spectra and the NPCs they touch and move their feelings.

    Characters in `always` are updated (relaxed toward baseline, sampled) even if nothing
    touched them. With `everyone` (the tick), every active NPC and Spectra is updated: feelings
    relax toward the baseline every tick, touched or not, so a mood never sticks for want of
    news (the tick writes every character's row anyway). Everyone rests toward a baseline the
    hour of `world_time` (read from the clock if not given) shapes (`resting.with_the_day`;
    Spectra too: she is made of light, and the daylight stirs her). Given the world's `seed`
    (the tick gives it), this tick's sleepers may dream (`spectra.dreaming`).
    Returns the new feelings by id.
    """
    views = [
        EventView(type=event.type, actor_id=event.actor_id, location_id=event.location_id, payload=event.payload)
        for event in events
        if event.type not in NOT_APPRAISED and not follows_in_exchange(event.payload)
    ]
    rules = rulebook_get()
    views = [view for view in views if rules.concerns(view)]
    if not views and not always and not everyone:
        return {}

    involved: set[int] = set(always)
    npc_witness_places: set[int] = set()
    for view in views:
        involved |= _people_in(view)
        if view.location_id and rules.rules_for(view, "witness", "npc"):
            npc_witness_places.add(view.location_id)
    candidates = Character.objects.filter(is_active=True).exclude(kind=Character.Kind.PLAYER)
    if not everyone:
        candidates = candidates.filter(
            Q(kind=Character.Kind.SPECTRA)
            | Q(id__any=involved - {0})
            | Q(kind=Character.Kind.NPC, location_id__any=npc_witness_places)
        )
    # Rows, not model instances: the tick reads every NPC here, and building 10,000 models
    # cost more than reading them.
    characters = list(
        candidates.order_by("id").values_list(
            "id",
            "name",
            "kind",
            "location_id",
            "faction_id",
            "goals",
            "personality",
            "emotional_state",
            "energy",
            "needs",
            named=True,
        )
    )
    if world_time is None and characters:
        world_time = world_now_get().world_time
    resting = frozenset(event.actor_id for event in events if event.type in RESTING)
    return _feel_and_record(
        characters,
        views,
        rules,
        tick=tick,
        always=always,
        everyone=everyone,
        world_time=world_time,
        resting=resting,
        seed=seed,
    )


def _views_by_concern(views: list[EventView], rules) -> dict:
    """Index the events by who they can concern, so each character looks only at its own
    (a tick at 10,000 NPCs has some 12,000 events: all-against-all would be 10^8 lookups)."""
    by_person: dict[int, list[int]] = {}
    by_place: dict[tuple[str, int | None], list[int]] = {}
    spoken: dict[tuple[str, int | None], list[int]] = {}  # players' words, always heard
    for index, view in enumerate(views):
        for person in _people_in(view):
            by_person.setdefault(person, []).append(index)
        for kind in ("spectra", "npc"):
            # witnesses (and players naming someone) matter only where a rule says so
            if rules.rules_for(view, "witness", kind) or (
                view.type == EventType.PLAYER_SPOKE and rules.rules_for(view, "addressed", kind)
            ):
                by_place.setdefault((kind, view.location_id), []).append(index)
                if view.type == EventType.PLAYER_SPOKE:
                    spoken.setdefault((kind, view.location_id), []).append(index)
    return {"person": by_person, "place": by_place, "spoken": spoken}


def _people_in(view: EventView) -> set[int]:
    """Who an event is by or to: its actor, its listener, the character turned to."""
    people = {view.actor_id, view.turned_to_id}
    return {person for person in people if isinstance(person, int)}


# An emotion this strong (a rule's intensity times how much its condition holds) is an event
# and a memory even when the mood holds: achieving one's goal, being wronged, a quest lost.
STRONGLY_FELT = 0.7
WITNESS_NOTICED = 16  # in a busy place an NPC takes in this many of the others' deeds a tick


def _concerning(index: dict, views: list[EventView], me: Perceiver) -> list[EventView]:
    """The events that can stir `me`: all those by or to it, all that reach everywhere, and
    of what others do around it, a handful (in a crowd of a hundred nobody follows everyone;
    without the bound a crowded tick costs people x deeds, quadratic in crowding). Players'
    words are always heard: they may name `me`."""
    around = index["place"].get((me.kind, me.location_id), ())
    if me.kind != "spectra" and len(around) > WITNESS_NOTICED:
        # each notices its own handful, the same in a replay: the next WITNESS_NOTICED deeds
        # from its own starting point, wrapping round (picked, not copied out of the crowd)
        crowd, start = len(around), (me.id * 7) % len(around)
        noticed = [around[(start + offset) % crowd] for offset in range(WITNESS_NOTICED)]
        around = {*noticed, *index["spoken"].get((me.kind, me.location_id), ())}
    positions = {*index["person"].get(me.id, ()), *around, *index["place"].get((me.kind, None), ())}
    return [views[position] for position in sorted(positions)]


def _stalled_goals(characters, views) -> tuple[str, ...]:
    """Spectra's active goals her own efforts can no longer move (at the counters' ceiling:
    only a change in the world achieves them), read only when she pursued one (one query)."""
    spectra_id = next((c.id for c in characters if c.kind == Character.Kind.SPECTRA), None)
    pursued = any(v.type == EventType.SPECTRA_PURSUED_GOAL and v.actor_id == spectra_id for v in views)
    if spectra_id is None or not pursued:
        return ()
    stalled = SpectraGoal.objects.filter(
        character_id=spectra_id, status=SpectraGoal.Status.ACTIVE, progress__gte=COUNTED_CEILING
    ).order_by("id")
    return tuple(stalled.values_list("title", flat=True))


def _perceiver(character, affinity: dict[int, float], stalled_goals: tuple[str, ...] = ()) -> Perceiver:
    return Perceiver(
        id=character.id,
        kind=character.kind,
        name=character.name,
        location_id=character.location_id,
        faction_id=character.faction_id,
        goals=tuple(str(goal) for goal in (character.goals or []) if goal),
        personality=dict(character.personality or {}),
        affinity=affinity,
        energy=float(character.energy),
        needs=dict(character.needs or {}),
        stalled_goals=stalled_goals if character.kind == Character.Kind.SPECTRA else (),
    )


def _feel_and_record(
    characters,
    views,
    rules,
    *,
    tick: int,
    always: frozenset[int],
    everyone: bool = False,
    world_time=None,
    resting: frozenset[int] = frozenset(),
    seed: int | None = None,
) -> dict[int, Feeling]:
    updates, samples, drafts = [], [], []
    feelings: dict[int, Feeling] = {}
    spectra_changed = False
    index = _views_by_concern(views, rules)
    hour = world_time.hour + world_time.minute / 60 if world_time is not None else None
    # What each thinks of the others, for appraising people it likes or dislikes (one query).
    people = sorted({person for view in views for person in _people_in(view)})
    affinities = affinities_between([character.id for character in characters], people, tick=tick)
    # Spectra catches others' feelings once a tick, in the tick's pass over everyone (not again
    # with each player's action in the same tick, which would add up).
    spectra_place = next((c.location_id for c in characters if c.kind == Character.Kind.SPECTRA), None)
    felt_beside_her = _feelings_at(characters, spectra_place) if everyone and spectra_place is not None else []
    stalled_goals = _stalled_goals(characters, views)
    habituation = _habituation()
    dreams = _dreams(characters, resting, seed=seed, tick=tick) if seed is not None and everyone else {}
    for character in characters:
        me = _perceiver(character, affinities.get(character.id, {}), stalled_goals)
        temperament = character.personality or {}
        felt = [as_felt_by(impulse, temperament) for impulse in appraise_all(_concerning(index, views, me), me, rules)]
        if character.kind == Character.Kind.SPECTRA and everyone:
            caught = empathy(felt_beside_her, gain=settings.SPECTRA_EMPATHY)
            felt += [caught] if caught is not None else []
        if character.id in dreams:
            felt.append(as_felt_by(dreams[character.id], temperament))
        previous = feeling_from_json(character.emotional_state, default_tick=tick)
        habits = habits_now(previous, tick=tick, habituation=habituation)
        impulses = impulses_felt(felt, habits, rate=habituation.rate)
        if not impulses and character.id not in always and not everyone:
            continue
        baseline = baseline_from_personality(character.personality or {})
        # Spectra too: she spends herself, rests and longs for company like the rest of them
        baseline = with_the_body(
            baseline, energy=float(character.energy), needs=character.needs or {}, resting=character.id in resting
        )
        if hour is not None:
            baseline = with_the_day(
                baseline,
                hour=hour,
                amplitude=settings.EMOTION_DAY_AROUSAL,
                late_by=chronotype(character.personality or {}),
            )
            if character.kind == Character.Kind.SPECTRA:
                baseline = with_the_light(baseline, hour=hour, amplitude=settings.SPECTRA_DAYLIGHT_PLEASURE)
        feeling = feel(
            previous,
            baseline=baseline,
            impulses=impulses,
            tick=tick,
            half_life_ticks=_half_life(),
            habits=habits,
        )
        feelings[character.id] = feeling
        updates.append((character.id, feeling.as_json(baseline=baseline)))
        sharpest = max(impulses, key=lambda impulse: impulse.intensity) if impulses else None
        cause = sharpest.cause if sharpest else "time"
        old_mood = previous.mood if previous else (character.emotional_state or {}).get("mood")
        if feeling.mood != old_mood or character.id in always:
            samples.append(_sample(character.id, feeling, baseline, tick, cause))
        strongly_felt = sharpest is not None and sharpest.intensity >= STRONGLY_FELT
        if feeling.mood != old_mood or strongly_felt:
            drafts.append(_emotion_draft(character, old_mood, feeling, baseline, tick, sharpest))
        spectra_changed |= character.kind == Character.Kind.SPECTRA
    bulk_update_columns(Character, ["emotional_state"], updates)
    if samples:
        for sample in samples:  # feelings_update read the clock when it was given no time
            sample.world_time = world_time
        bulk_create(samples)
    publish_many(drafts)
    if spectra_changed and not is_collecting():
        # Outside a tick (a player spoke to her): let clients see it now, not at the next tick.
        spectra_status_publish_if_changed()
    return feelings


def _dreams(characters, resting: frozenset[int], *, seed: int, tick: int) -> dict[int, Impulse]:
    """The dreams of those asleep this tick who dream, by id: each of an emotional memory
    of its last two days (one query for all of them)."""
    sleepers = [character.id for character in characters if character.id in resting]
    dreamers = dreams_this_tick(sleepers, seed=seed, tick=tick, chance=settings.EMOTION_DREAM_CHANCE)
    memories = emotional_memories_since(character_ids=dreamers, tick=tick - DREAM_LOOKBACK_TICKS)
    dreams = {}
    for dreamer in dreamers:
        remembered = [Remembered(*row) for row in memories.get(dreamer, [])]
        dream = dream_of(remembered, seed=seed, tick=tick, sleeper=dreamer)
        if dream is not None:
            dreams[dreamer] = dream
    return dreams


def _feelings_at(characters, location_id: int) -> list[tuple]:
    """The feelings of the NPCs at `location_id` as they stood before this update: (state,
    intensity, what it is), for Spectra to catch (`emotion.empathy`). Read from the rows
    already loaded; only her place's NPCs are decoded, not the whole world's."""
    around = []
    for character in characters:
        if character.kind != Character.Kind.NPC or character.location_id != location_id:
            continue
        stored = character.emotional_state or {}
        feeling = feeling_from_json(stored, default_tick=0)
        if feeling is not None:
            around.append((feeling.state, float(stored.get("intensity") or 0.0), f"{character.name}'s {feeling.mood}"))
    return around


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


def _emotion_draft(character, old_mood, feeling: Feeling, baseline, tick, sharpest: Impulse | None) -> EventDraft:
    """The mood changed, or an emotion was felt strongly (`emotion`, `felt`) though the mood
    held: a goal achieved by one already glad is still a moment to remember."""
    event_type = (
        EventType.SPECTRA_EMOTION_CHANGED if character.kind == Character.Kind.SPECTRA else EventType.NPC_EMOTION_CHANGED
    )
    strength = intensity(feeling.state, baseline)
    cause = sharpest.cause if sharpest else "time"
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
            "emotion": sharpest.emotion if sharpest else "",
            "felt": round(sharpest.intensity, 4) if sharpest else 0.0,
        },
        tick=tick,
        location_id=character.location_id,
        actor_id=character.id,
    )
