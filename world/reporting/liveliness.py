"""The liveliness report's figures, from plain samples of a world's history (no ORM).

`manage.py world_report` fills a `History` (`world.reporting.sampling`: what stood after
each tick, the events, and what other apps add at the end) and `liveliness_report` turns it
into sections of printed lines and the issue's targets, each MET or NOT MET.

A section is one function `(History) -> Section`, listed in `SECTIONS`; another app's data
reaches it through `History.extras` (filled by its registered sampler), so adding a section
is adding a function here and, if it needs new data, a sampler.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from itertools import pairwise
from typing import Any

from htrae.vocabulary import EventType
from world.reporting.history import (  # noqa: F401  (the report's data, re-exported)
    AchievedGoal,
    CharacterSample,
    EventRow,
    History,
    Report,
    Section,
    Target,
    TickSample,
    _pct,
    _share,
    _table,
    _windows,
)
from world.reporting.stakes import factions_and_quests_section

MOOD_WINDOW_TICKS = 100  # moods over time: one row per window
CHANGE_WINDOW_TICKS = 50  # mood changes are counted per NPC per this many ticks
SETTLE_TICKS = 200  # the monoculture target is judged after this tick
CROWD_SHARE = 0.25  # a place holding more than this share of NPCs is crowded
CROWD_RUN_LIMIT = 50  # ... and must not stay so for more ticks in a row than this
ROUTINE_MIN_DAYS = 5  # days a place must be visited on before its routine is judged
ROUTINE_AGREEMENT = 0.6  # share of those days its busiest part of the day must agree on
ROUTINE_MIN_SWING = 1.0  # NPCs between its busiest and quietest part of the day, on average
ACQUAINTANCE_DAYS = 2  # in-world days within which the acquaintance network must be dense
ACQUAINTANCE_TARGET = 0.74  # Generative Agents' density after two days (from 0.167)
OBJECT_VERBS = ("TOOK", "TAKE", "TAKEN", "GAVE", "GIVE", "GIVEN", "USED", "USE", "DROPPED", "DROP", "PICKED")


def mood_changes(samples: Sequence[TickSample]) -> dict[int, list[int]]:
    """NPC id → the ticks at which its mood differed from the sample before."""
    changes: dict[int, list[int]] = {npc: [] for npc in (samples[0].npcs if samples else {})}
    for before, after in pairwise(samples):
        for npc, now in after.npcs.items():
            then = before.npcs.get(npc)
            if then is not None and then.mood != now.mood:
                changes.setdefault(npc, []).append(after.tick)
    return changes


def longest_run(flags: Iterable[bool]) -> int:
    best = current = 0
    for flag in flags:
        current = current + 1 if flag else 0
        best = max(best, current)
    return best


# --- sections -------------------------------------------------------------------------------


def npc_moods_section(history: History) -> Section:
    ticks = history.ticks
    moods = sorted({s.mood for sample in ticks for s in sample.npcs.values()})
    rows = []
    for first, last, window in _windows(ticks, MOOD_WINDOW_TICKS):
        counted = Counter(s.mood for sample in window for s in sample.npcs.values())
        total = sum(counted.values())
        rows.append([f"{first}-{last}", *(_pct(_share(counted[mood], total)) for mood in moods)])
    lines = ["Moods over time (share of NPC-ticks in each mood, per window):", *_table(["ticks", *moods], rows)]

    late = [sample for sample in ticks if sample.tick > SETTLE_TICKS and sample.npcs]
    top_share, top_tick, top_mood = 0.0, None, ""
    for sample in late:
        mood, count = Counter(s.mood for s in sample.npcs.values()).most_common(1)[0]
        if count / len(sample.npcs) > top_share:
            top_share, top_tick, top_mood = count / len(sample.npcs), sample.tick, mood

    changes = mood_changes(history.samples)
    span = max(1, len(ticks))
    per_npc = {npc: len(found) * CHANGE_WINDOW_TICKS / span for npc, found in changes.items()}
    windows = _windows(ticks, CHANGE_WINDOW_TICKS)
    changed_in_window = sum(
        1 for npc, found in changes.items() for first, last, _ in windows if any(first <= t <= last for t in found)
    )
    all_windows = len(changes) * len(windows)
    lowest = min(per_npc.values(), default=0.0)
    lines += [
        "",
        f"Mood changes: {sum(map(len, changes.values()))} in {len(changes) * span} NPC-ticks; "
        f"per NPC per {CHANGE_WINDOW_TICKS} ticks: mean {_share(sum(per_npc.values()), len(per_npc)):.2f}, "
        f"min {lowest:.2f}; NPC-windows with a change: {changed_in_window}/{all_windows}",
        f"Distinct NPC moods: {len(moods)} ({', '.join(moods)})",
    ]
    worst = f"{_pct(top_share)} ({top_mood}, tick {top_tick})" if top_tick else "no ticks after 200"
    return Section(
        "NPC moods",
        tuple(lines),
        (
            Target(
                "After tick 200 the most common NPC mood holds at most 50% of NPCs",
                f"max {worst}",
                bool(late) and top_share <= 0.5,
            ),
            Target("At least 5 distinct NPC moods", str(len(moods)), len(moods) >= 5),
            Target(
                f"At least one mood change per NPC per {CHANGE_WINDOW_TICKS} ticks",
                f"min {lowest:.2f} per NPC",
                bool(per_npc) and lowest >= 1.0,
            ),
        ),
    )


def spectra_section(history: History) -> Section:
    ticks = [sample for sample in history.ticks if sample.spectra is not None]
    in_mood = Counter(sample.spectra.mood for sample in ticks)
    lines = [
        f"Spectra's moods: {len(in_mood)} distinct; ticks in each: "
        + (
            ", ".join(f"{mood} {count}" for mood, count in sorted(in_mood.items(), key=lambda kv: (-kv[1], kv[0])))
            or "none"
        ),
    ]
    goals_known = [sample for sample in ticks if sample.spectra_active_goals is not None]
    if goals_known:
        rows = [
            [
                f"{first}-{last}",
                f"{sum(s.spectra_active_goals for s in w) / len(w):.1f}",
                min(s.spectra_active_goals for s in w),
            ]
            for first, last, w in _windows(goals_known, MOOD_WINDOW_TICKS)
        ]
        lines += ["Spectra's active goals per window:", *_table(["ticks", "mean active", "min active"], rows)]
        least = min(sample.spectra_active_goals for sample in goals_known)
        always = Target("Spectra always has at least one active goal", f"min {least}", least >= 1)
    else:
        always = Target("Spectra always has at least one active goal", "not recorded", None)
    achieved = history.spectra_goals_achieved
    if achieved is None:
        by_change = Target("Spectra achieves a life goal by a real change in the world", "not recorded", None)
    else:
        first_seen: dict[str, int] = {}
        for sample in ticks:
            for title in sample.extras.get("spectra_achieved_titles", ()):
                first_seen.setdefault(title, sample.tick)
        for goal in sorted(achieved, key=lambda g: (first_seen.get(g.title, g.tick or 0), g.title)):
            goal = goal if goal.tick is not None else replace(goal, tick=first_seen.get(goal.title))
            how = f"by {goal.world_change}" if goal.world_change else "by counters (no change in the world recorded)"
            lines.append(f"  achieved at tick {goal.tick if goal.tick is not None else '?'}: {goal.title} ({how})")
        real = [goal for goal in achieved if goal.world_change]
        lines.append(f"Spectra's goals achieved: {len(achieved)}, by a change in the world: {len(real)}")
        by_change = Target(
            "Spectra achieves a life goal by a real change in the world",
            f"{len(real)} of {len(achieved)} achieved",
            bool(real),
        )
    return Section(
        "Spectra",
        tuple(lines),
        (Target("Spectra: at least 5 distinct moods", str(len(in_mood)), len(in_mood) >= 5), always, by_change),
    )


def memories_and_goals_section(history: History) -> Section:
    lines, targets = [], []
    npcs = history.npc_ids
    if history.emotional_memories is None:
        targets.append(Target("At least one emotional memory per NPC", "not recorded", None))
    else:
        held = [history.emotional_memories.get(npc, 0) for npc in npcs]
        without = sum(1 for count in held if count == 0)
        lines.append(
            f"Emotional memories held at the end: {sum(held)} in all; per NPC min {min(held, default=0)}, "
            f"max {max(held, default=0)}; NPCs with none: {without} of {len(npcs)}"
        )
        targets.append(
            Target("At least one emotional memory per NPC", f"{without} NPCs without one", bool(npcs) and without == 0)
        )
    first = history.samples[0].npcs if history.samples else {}
    recorded = [s for s in history.ticks if any(c.goals is not None for c in s.npcs.values())]
    if not recorded or all(c.goals is None for c in first.values()):
        targets.append(Target("At least 5 NPCs whose goals changed", "not recorded", None))
    else:
        changed = {
            npc
            for sample in recorded
            for npc, now in sample.npcs.items()
            if npc in first and now.goals != first[npc].goals
        }
        lines.append(f"NPCs whose goals changed: {len(changed)} of {len(npcs)}")
        targets.append(Target("At least 5 NPCs whose goals changed", str(len(changed)), len(changed) >= 5))
    achieved = Counter(
        event.type
        for event in history.events
        if EventType.GOAL_ACHIEVED in event.type or event.type == EventType.QUEST_COMPLETED
    )
    lines.append(
        "Goals achieved (events): "
        + (", ".join(f"{kind} {count}" for kind, count in sorted(achieved.items())) or "none")
    )
    return Section("Memories and goals", tuple(lines), tuple(targets))


def crowding_and_routines_section(history: History) -> Section:
    ticks = [sample for sample in history.ticks if sample.npcs]
    places = sorted({c.location_id for sample in ticks for c in sample.npcs.values() if c.location_id is not None})
    occupancy: dict[int, list[int]] = {place: [] for place in places}
    for sample in ticks:
        here = Counter(c.location_id for c in sample.npcs.values())
        for place in places:
            occupancy[place].append(here.get(place, 0))
    population = [len(sample.npcs) for sample in ticks]
    rows, worst_run, worst_place = [], 0, ""
    routines = place_routines(history)
    for place in places:
        shares = [_share(count, total) for count, total in zip(occupancy[place], population, strict=True)]
        run = longest_run(share > CROWD_SHARE for share in shares)
        name = history.place_names.get(place, f"#{place}")
        if run > worst_run:
            worst_run, worst_place = run, name
        routine = routines.get(place)
        rows.append(
            [
                name[:28],
                _pct(max(shares, default=0.0)),
                run,
                f"{sum(occupancy[place]) / max(1, len(ticks)):.1f}",
                routine.summary if routine else "-",
            ]
        )
    kept = sorted(history.place_names.get(p, f"#{p}") for p, r in routines.items() if r.kept)
    lines = [
        f"Crowding per place (share of NPCs; runs of ticks above {_pct(CROWD_SHARE)}) and routines "
        "(mean NPCs by part of the day; kept = the same busiest part on most days):",
        *_table(["place", "max share", "longest run", "mean NPCs", "by part of day"], rows),
        f"Places keeping a routine: {len(kept)}" + (f" ({', '.join(kept)})" if kept else ""),
    ]
    return Section(
        "Crowding and routines",
        tuple(lines),
        (
            Target(
                "Routines visible: a place's occupancy differs by time of day", f"{len(kept)} places", len(kept) >= 1
            ),
            Target(
                f"No place holds more than {_pct(CROWD_SHARE)} of NPCs for more than {CROWD_RUN_LIMIT} ticks in a row",
                f"longest {worst_run} ticks" + (f" ({worst_place})" if worst_place else ""),
                bool(ticks) and worst_run <= CROWD_RUN_LIMIT,
            ),
        ),
    )


@dataclass(frozen=True)
class Routine:
    summary: str
    kept: bool


def place_routines(history: History) -> dict[int, Routine]:
    """Per place: its mean occupancy by part of the day, and whether it keeps a routine (the
    same part of the day is its busiest on most days it is visited, by a real margin)."""
    by_day: dict[int, dict[Any, dict[str, list[int]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    overall: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for sample in history.ticks:
        if sample.world_time is None or not sample.part_of_day:
            continue
        here = Counter(c.location_id for c in sample.npcs.values())
        places = set(here) | set(overall)
        for place in places:
            if place is None:
                continue
            count = here.get(place, 0)
            by_day[place][sample.world_time.date()][sample.part_of_day].append(count)
            overall[place][sample.part_of_day].append(count)
    found = {}
    for place, days in by_day.items():
        means = {part: sum(v) / len(v) for part, v in overall[place].items()}
        busiest_each_day = []
        for parts in days.values():
            day_means = {part: sum(v) / len(v) for part, v in parts.items()}
            if len(day_means) >= 3 and max(day_means.values()) > 0:
                top = max(day_means.values())
                leaders = [part for part, mean in day_means.items() if mean == top]
                if len(leaders) == 1:
                    busiest_each_day.append(leaders[0])
        agreement = 0.0
        usual = ""
        if busiest_each_day:
            usual, count = Counter(busiest_each_day).most_common(1)[0]
            agreement = count / len(busiest_each_day)
        swing = max(means.values(), default=0.0) - min(means.values(), default=0.0)
        kept = (
            len(busiest_each_day) >= ROUTINE_MIN_DAYS and agreement >= ROUTINE_AGREEMENT and swing >= ROUTINE_MIN_SWING
        )
        summary = " ".join(f"{part[:3]} {mean:.1f}" for part, mean in sorted(means.items()))
        if kept:
            summary += f" (kept: {usual} busiest on {_pct(agreement)} of days)"
        found[place] = Routine(summary, kept)
    return found


def object_events_section(history: History) -> Section:
    counted = Counter(event.type for event in history.events if set(event.type.split("_")) & set(OBJECT_VERBS))
    total = sum(counted.values())
    lines = [
        "Object events (take, give, use, drop): "
        + (
            ", ".join(f"{kind} {count}" for kind, count in sorted(counted.items()))
            or "none (0: no such event exists yet)"
        )
    ]
    return Section(
        "Objects", tuple(lines), (Target("At least 10 object events (take, give, use)", str(total), total >= 10),)
    )


def acquaintance_density(history: History, *, until_tick: int) -> float:
    """Pairs of NPCs and Spectra who have talked to each other (either way) by `until_tick`,
    over all such pairs."""
    people = set(history.npc_ids) | ({history.spectra_id} if history.spectra_id is not None else set())
    pairs = len(people) * (len(people) - 1) // 2
    known = {
        (min(event.actor_id, event.listener_id), max(event.actor_id, event.listener_id))
        for event in history.events
        if event.tick <= until_tick
        and event.type in EventType.TALK
        and event.actor_id in people
        and event.listener_id in people
        and event.actor_id != event.listener_id
    }
    return _share(len(known), pairs)


RECORDED_DENSITY = "acquaintance_density"  # a tick sampler's key: the relationship model's own figure


def _density_by_tick(history: History) -> dict[int, float] | None:
    """The acquaintance density each sample recorded (the relationships app's sampler), or
    None when no sampler recorded one (then talk events stand in)."""
    recorded = {s.tick: s.extras[RECORDED_DENSITY] for s in history.samples if RECORDED_DENSITY in s.extras}
    return recorded or None


def relationships_section(history: History) -> Section:
    start = history.samples[0] if history.samples else None
    deadline = None
    if start is not None and start.world_time is not None:
        due = start.world_time + timedelta(days=ACQUAINTANCE_DAYS)
        deadline = next((s.tick for s in history.ticks if s.world_time and s.world_time >= due), None)
    recorded = _density_by_tick(history)
    if recorded is not None:

        def density_at(tick: int) -> float:
            return recorded.get(tick, 0.0)

        how = (
            "Acquaintance density (the relationship model: pairs of NPCs either of whom knows the other, "
            "familiarity at or above the acquaintance threshold, over all NPC pairs):"
        )
    else:

        def density_at(tick: int) -> float:
            return acquaintance_density(history, until_tick=tick)

        how = (
            "Acquaintance density (no relationship recorded: a pair knows each other once either has talked to the "
            "other, NPC_TALKED / SPECTRA_TALKED; NPCs and Spectra):"
        )
    rows = [[f"{last}", f"{density_at(last):.3f}"] for first, last, _ in _windows(history.ticks, MOOD_WINDOW_TICKS)]
    lines = [how, f"  at the start: {density_at(start.tick) if start else 0.0:.3f}"]
    lines += ["  " + line for line in _table(["by tick", "density"], rows)]
    if deadline is None:
        measured, met = f"run shorter than {ACQUAINTANCE_DAYS} in-world days", False
    else:
        density = density_at(deadline)
        measured, met = (
            f"{density:.3f} by tick {deadline} ({ACQUAINTANCE_DAYS} in-world days)",
            density >= ACQUAINTANCE_TARGET,
        )
    lines.append(f"  after {ACQUAINTANCE_DAYS} in-world days: {measured}")
    return Section(
        "Relationships",
        tuple(lines),
        (
            Target(
                f"Acquaintance density reaches {ACQUAINTANCE_TARGET} within {ACQUAINTANCE_DAYS} in-world days",
                measured,
                met,
            ),
        ),
    )


def reflections_section(history: History) -> Section:
    if history.reflections is None:
        return Section("Reflections", ("Reflections: not recorded",))
    lines = [f"Reflections formed: {len(history.reflections)}"]
    step = max(1, len(history.reflections) // 3)
    for content in history.reflections[::step][:3]:
        lines.append(f"  e.g. {content[:200]}")
    return Section("Reflections and beliefs", tuple(lines))


def replay_section(history: History) -> Section:
    return Section(
        "Replay",
        ("The two-process replay test: tests/world/test_replay.py (pytest -m slow); not run by this report.",),
        (Target("The two-process replay test passes", "run tests/world/test_replay.py", None),),
    )


SECTIONS: list[Callable[[History], Section]] = [
    npc_moods_section,
    spectra_section,
    memories_and_goals_section,
    crowding_and_routines_section,
    object_events_section,
    relationships_section,
    reflections_section,
    factions_and_quests_section,
    replay_section,
]


def register_section(section: Callable[[History], Section]) -> Callable[[History], Section]:
    """Add another app's section (in its `ready()`), printed after the world's own."""
    if section not in SECTIONS:
        SECTIONS.append(section)
    return section


def liveliness_report(history: History) -> Report:
    ticks = history.ticks
    return Report(
        source=history.source,
        first_tick=ticks[0].tick if ticks else 0,
        last_tick=ticks[-1].tick if ticks else 0,
        sections=tuple(section(history) for section in SECTIONS),
    )


def report_text(report: Report) -> str:
    """The report as printed: each section, then every target with MET / NOT MET."""
    lines = [f"Liveliness report: {report.source}, ticks {report.first_tick}-{report.last_tick}", ""]
    for section in report.sections:
        lines += [f"== {section.title} ==", *section.lines, ""]
    lines.append("Targets (seed world, 1,000 ticks, default settings)")
    width = max((len(target.name) for target in report.targets), default=0)
    for target in report.targets:
        verdict = {True: "MET", False: "NOT MET", None: "n/a"}[target.met]
        lines.append(f"  {target.name.ljust(width)}  {verdict:7}  {target.measured}")
    return "\n".join(lines) + "\n"
