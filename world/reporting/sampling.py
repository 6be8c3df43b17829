"""What the liveliness report records of a world: read-only samples, turned into the plain
`liveliness.History` the report is computed from.

`HistoryRecorder` samples the world before the first tick and after each tick (two queries,
plus one per registered sampler): where each NPC is, its mood and goals, Spectra's mood, the
in-world time. It only reads, so a world with a recorder ticks exactly as one without (see
tests/world/test_world_report.py). At the end it reads the run's events once and asks every
registered final sampler for what it knows (memories, Spectra's goals).

`history_from_record` rebuilds a History from a running world's record instead (its event
log and current state), for `world_report --live`: moods from the *_EMOTION_CHANGED events,
places from the *_MOVED events, the in-world time from the clock; what only per-tick samples
know (goals over time) is not recorded there.

Other apps add data without the world importing them (the rule of `world.tick`'s phases):

    register_tick_sampler(spectra_goals_sample)    # () -> {"spectra_active_goals": 2}
    register_final_sampler(memories_final_sample)  # (first_tick=...) -> {"reflections": (...)}
    register_run_probe(plant_report_fact)          # (tick=..., ran=...): throwaway copy only

A returned key that is a field of `TickSample` / `History` fills it; any other key lands in
that sample's or the history's `extras`, for a section to read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields, replace
from datetime import timedelta
from typing import Any

from django.db.models.fields.json import KeyTextTransform

from htrae.vocabulary import EventType
from world.models import Character, GameEvent, Location, WorldClock
from world.reporting.history import CharacterSample, EventRow, History, TickSample
from world.selectors import time_of_day

RunProbe = Callable[..., None]  # (*, tick, ran) -> None: may change the throwaway copy
TickSampler = Callable[[], Mapping[str, Any]]
FinalSampler = Callable[..., Mapping[str, Any]]
_tick_samplers: list[TickSampler] = []
_final_samplers: list[FinalSampler] = []
_run_probes: list[RunProbe] = []


def register_tick_sampler(sampler: TickSampler) -> TickSampler:
    if sampler not in _tick_samplers:
        _tick_samplers.append(sampler)
    return sampler


def register_run_probe(probe: RunProbe) -> RunProbe:
    """An experiment run in the report's throwaway copy after each tick (`ran`: ticks run so
    far), e.g. planting a fact to see how far it spreads; never in a live world."""
    if probe not in _run_probes:
        _run_probes.append(probe)
    return probe


def run_probes(*, tick: int, ran: int) -> None:
    for probe in _run_probes:
        probe(tick=tick, ran=ran)


def register_final_sampler(sampler: FinalSampler) -> FinalSampler:
    if sampler not in _final_samplers:
        _final_samplers.append(sampler)
    return sampler


_TICK_FIELDS = {f.name for f in fields(TickSample)}
_HISTORY_FIELDS = {f.name for f in fields(History)}


def _characters() -> tuple[dict[int, CharacterSample], CharacterSample | None, int | None]:
    rows = (
        Character.objects.filter(kind__in=[Character.Kind.NPC, Character.Kind.SPECTRA], is_active=True)
        .order_by("id")
        .annotate(mood=KeyTextTransform("mood", "emotional_state"))
        .values_list("id", "kind", "location_id", "mood", "goals")
    )
    npcs: dict[int, CharacterSample] = {}
    spectra, spectra_id = None, None
    for character_id, kind, location_id, mood, goals in rows:
        sample = CharacterSample(location_id, mood or "calm", tuple(str(goal) for goal in goals or []))
        if kind == Character.Kind.SPECTRA:
            spectra, spectra_id = sample, character_id
        else:
            npcs[character_id] = sample
    return npcs, spectra, spectra_id


def world_sample() -> TickSample:
    """The world as it stands now (tick samplers' other keys in `extras`)."""
    tick, world_time = WorldClock.objects.filter(pk=WorldClock.SINGLETON_ID).values_list("tick", "world_time").get()
    npcs, spectra, _ = _characters()
    sample = TickSample(
        tick=tick, world_time=world_time, part_of_day=time_of_day(world_time.hour), npcs=npcs, spectra=spectra
    )
    extras: dict[str, Any] = {}
    for sampler in _tick_samplers:
        found = dict(sampler())
        sample = replace(sample, **{key: value for key, value in found.items() if key in _TICK_FIELDS})
        extras.update({key: value for key, value in found.items() if key not in _TICK_FIELDS})
    return replace(sample, extras=extras)


class HistoryRecorder:
    """Samples a world as it ticks: `record()` before the first tick and after each one."""

    def __init__(self) -> None:
        self.samples: list[TickSample] = []
        self.spectra_id: int | None = None

    def record(self) -> TickSample:
        sample = world_sample()
        if not self.samples:
            self.spectra_id = _characters()[2]
        self.samples.append(sample)
        return sample

    def history(self, *, source: str) -> History:
        first_tick = self.samples[0].tick if self.samples else 0
        return _history(source=source, samples=self.samples, first_tick=first_tick, spectra_id=self.spectra_id)


def _events(*, after_tick: int) -> tuple[EventRow, ...]:
    rows = (
        GameEvent.objects.filter(tick__gt=after_tick)
        .order_by("id")
        .annotate(listener=KeyTextTransform("listener_id", "payload"))
        .values_list("tick", "type", "location_id", "actor_id", "listener")
    )
    return tuple(
        EventRow(tick, kind, location_id, actor_id, int(listener) if listener not in (None, "") else None)
        for tick, kind, location_id, actor_id, listener in rows.iterator(chunk_size=5000)
    )


def _history(
    *,
    source: str,
    samples: list[TickSample],
    first_tick: int,
    spectra_id: int | None,
    events: tuple[EventRow, ...] | None = None,
) -> History:
    found: dict[str, Any] = {}
    extras: dict[str, Any] = {}
    for sampler in _final_samplers:
        for key, value in sampler(first_tick=first_tick).items():
            (found if key in _HISTORY_FIELDS else extras)[key] = value
    return History(
        source=source,
        samples=tuple(samples),
        events=events if events is not None else _events(after_tick=first_tick),
        place_names=dict(Location.objects.order_by("id").values_list("id", "name")),
        spectra_id=spectra_id,
        extras=extras,
        **found,
    )


def history_from_record(*, ticks: int | None = None) -> History:
    """A running world's last `ticks` ticks (all if None), rebuilt from its event log: each
    character's mood and place at the end, walked back through its mood changes and moves."""
    clock = WorldClock.objects.filter(pk=WorldClock.SINGLETON_ID).first()
    if clock is None or clock.tick == 0:
        return History(source="live history (the world has not ticked)", samples=())
    first_tick = max(0, clock.tick - ticks) if ticks else 0
    step = timedelta(seconds=clock.tick_interval_seconds * clock.time_scale)
    npcs_now, spectra_now, spectra_id = _characters()
    events = _events(after_tick=first_tick)
    changes = (
        GameEvent.objects.filter(
            tick__gt=first_tick,
            type__in=[
                EventType.NPC_EMOTION_CHANGED,
                EventType.SPECTRA_EMOTION_CHANGED,
                EventType.NPC_MOVED,
                EventType.SPECTRA_MOVED,
            ],
        )
        .order_by("-id")
        .annotate(
            mood_from=KeyTextTransform("from", "payload"),
            place_from=KeyTextTransform("from_id", "payload"),
        )
        .values_list("tick", "type", "actor_id", "mood_from", "place_from")
    )
    by_tick: dict[int, list[tuple]] = {}
    for tick, kind, actor_id, mood_from, place_from in changes.iterator(chunk_size=5000):
        by_tick.setdefault(tick, []).append((kind, actor_id, mood_from, place_from))
    # Walk back from now: at each tick, undo its changes (newest first) to get the tick before.
    state: dict[int, CharacterSample] = dict(npcs_now)
    if spectra_id is not None and spectra_now is not None:
        state[spectra_id] = spectra_now
    samples: list[TickSample] = []
    for tick in range(clock.tick, first_tick - 1, -1):
        world_time = clock.world_time - step * (clock.tick - tick)
        npcs = {cid: replace(sample, goals=None) for cid, sample in state.items() if cid != spectra_id}
        spectra = state.get(spectra_id) if spectra_id is not None else None
        samples.append(TickSample(tick, world_time, time_of_day(world_time.hour), npcs, spectra))
        for kind, actor_id, mood_from, place_from in by_tick.get(tick, ()):
            if actor_id not in state:
                continue
            if kind.endswith("EMOTION_CHANGED") and mood_from:
                state[actor_id] = replace(state[actor_id], mood=mood_from)
            elif kind.endswith("MOVED") and place_from not in (None, ""):
                state[actor_id] = replace(state[actor_id], location_id=int(place_from))
    samples.reverse()
    source = f"live history of the configured world (rebuilt from its event log, ticks {first_tick + 1}-{clock.tick})"
    return _history(source=source, samples=samples, first_tick=first_tick, spectra_id=spectra_id, events=events)
