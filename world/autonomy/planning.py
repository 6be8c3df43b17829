"""Daily routines, day plans and goals, as plain data (pure; `world.minds` loads and stores).

A character's routine is a list of `Slot`s (where to be at which hours, doing what). In the
manner of Generative Agents, each morning it makes a plan for the day from its routine and
its foremost goal (`plan_day`); when something important happens it plans the rest of the
day again (the same function from the hour it is). `plan_intentions` turns the plan's entry
for the hour, and the goals that have a place, a thing or a person, into intentions the
decision follows; `goal_review` says which goals succeeded, failed or are called for by needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from world.autonomy.state import Intention

ROUTINE_WEIGHT = 0.5  # the plan's entry for the hour pulls like half a quest
# The night's sleep outweighs goals, friends elsewhere and gatherings heard of (at most 0.8);
# only a quest step (1.0) keeps one out. At half weight they kept characters up all night.
SLEEP_WEIGHT = 0.9
GOAL_ENTRY_WEIGHT = 0.7  # an hour the plan gave to a goal pulls harder
NEED_URGENT = 0.75  # a need this pressing gives rise to a goal
MAX_ACTIVE_GOALS = 4
FREE_ACTIVITIES = frozenset({"work", "wander"})  # hours a goal may take over in a plan


@dataclass(frozen=True)
class Slot:
    start_hour: int
    end_hour: int
    location_id: int
    activity: str

    def covers(self, hour: int) -> bool:
        if self.start_hour < self.end_hour:
            return self.start_hour <= hour < self.end_hour
        return hour >= self.start_hour or hour < self.end_hour  # runs past midnight


@dataclass(frozen=True)
class GoalFacts:
    id: int
    title: str
    verb: str = "visit"
    priority: int = 5
    progress: float = 0.0
    location_id: int | None = None
    object_id: int | None = None
    partner_id: int | None = None
    need: str = ""
    deadline_tick: int | None = None

    @property
    def has_target(self) -> bool:
        return self.location_id is not None or self.object_id is not None or self.partner_id is not None


def slot_at(slots: Iterable[Slot], hour: int) -> Slot | None:
    return next((slot for slot in slots if slot.covers(hour)), None)


def foremost(goals: Iterable[GoalFacts]) -> GoalFacts | None:
    """The goal that matters most (priority, then the oldest)."""
    return min((g for g in goals if g.has_target), key=lambda g: (-g.priority, g.id), default=None)


def _hours(start: int, end: int) -> int:
    return (end - start) % 24 or 24


def kept_by_chronotype(slots: list[Slot], late_by: float) -> list[Slot]:
    """The routine as this character keeps it: its night moved `late_by` hours, rounded (an
    owl goes to bed and rises later, a lark earlier: `spectra.resting.chronotype`, which its
    feelings' day follows too), the slot before the night and the one after it stretched or
    cut to meet it, never below an hour. A routine shared by a whole town put every sleeper to
    bed and woke it at the same hour."""
    night = next((slot for slot in slots if slot.activity == "sleep"), None)
    if night is None:
        return slots
    bedtime, rising = night.start_hour % 24, night.end_hour % 24
    before = next((slot for slot in slots if slot.end_hour % 24 == bedtime and slot is not night), None)
    after = next((slot for slot in slots if slot.start_hour % 24 == rising and slot is not night), None)
    if before is None or after is None:
        return slots
    shift = round(late_by)
    shift = min(shift, _hours(after.start_hour, after.end_hour) - 1)
    shift = max(shift, 1 - _hours(before.start_hour, before.end_hour))
    if shift == 0:
        return slots
    bedtime, rising = (bedtime + shift) % 24, (rising + shift) % 24
    kept = []
    for slot in slots:  # one slot may be both the evening and the morning
        start, end = slot.start_hour, slot.end_hour
        if slot is night:
            start, end = bedtime, rising or 24
        if slot is before:
            end = bedtime or 24
        if slot is after:
            start = rising
        kept.append(replace(slot, start_hour=start, end_hour=end))
    return kept


def plan_day(*, slots: list[Slot], goals: list[GoalFacts], hour: int) -> list[dict]:
    """The plan from `hour` to the end of the day: the routine's slots, with the free slots
    (work, wandering) given to the foremost goal (a far place needs the whole day)."""
    goal = foremost(goals)
    entries: list[dict] = []
    for slot in sorted(slots, key=lambda s: s.start_hour):
        ends = slot.end_hour if slot.end_hour > slot.start_hour else 24
        if ends <= hour and slot.start_hour < slot.end_hour:
            continue  # over for today
        entry = {"from": slot.start_hour, "to": slot.end_hour, "location_id": slot.location_id}
        entry["activity"] = slot.activity
        if goal is not None and slot.activity in FREE_ACTIVITIES:
            entry.update(activity="goal", goal_id=goal.id, title=goal.title)
            if goal.location_id is not None:
                entry["location_id"] = goal.location_id
        entries.append(entry)
    return entries


def plan_entry_at(entries: Iterable[Mapping], hour: int) -> Mapping | None:
    for entry in entries:
        if Slot(int(entry["from"]), int(entry["to"]), 0, "").covers(hour):
            return entry
    return None


def plan_intentions(*, plan: Mapping, goals: list[GoalFacts], hour: int) -> list[Intention]:
    """The plan's entry for the hour and the goals with somewhere to go, as intentions."""
    found: list[Intention] = []
    by_id = {goal.id: goal for goal in goals}
    entry = plan_entry_at(plan.get("entries") or [], hour)
    if entry is not None:
        goal = by_id.get(entry.get("goal_id"))
        if goal is not None:
            found.append(_goal_intention(goal, GOAL_ENTRY_WEIGHT))
        elif entry.get("location_id"):
            verb = "sleep" if entry.get("activity") == "sleep" else str(entry.get("activity", ""))
            weight = SLEEP_WEIGHT if verb == "sleep" else ROUTINE_WEIGHT
            found.append(Intention(str(entry.get("activity", "routine")), weight, entry["location_id"], verb=verb))
    for goal in sorted(goals, key=lambda g: (-g.priority, g.id)):
        if goal.has_target:
            found.append(_goal_intention(goal, min(0.65, 0.25 + 0.04 * goal.priority)))
    return found


def _goal_intention(goal: GoalFacts, weight: float) -> Intention:
    return Intention(
        goal.title,
        weight,
        location_id=goal.location_id,
        character_id=goal.partner_id,
        object_id=goal.object_id,
        verb=goal.verb,
        goal_id=goal.id,
    )


def goal_failure(
    goal: GoalFacts, *, tick: int, holder_of: Mapping[int, int | None], lying: Iterable[int], me: int
) -> str:
    """Why a goal has failed ("" if it has not): its deadline passed, or the thing it needs
    is gone (no longer in the world, or in someone else's hands; a thing to be used anywhere
    is used beside its holder, `intentions.staged`, so that goal holds)."""
    if goal.deadline_tick is not None and tick > goal.deadline_tick:
        return "deadline"
    if goal.object_id is None or goal.verb not in ("take", "use", "give"):
        return ""
    if goal.object_id not in holder_of and goal.object_id not in set(lying):
        return "object_gone"
    holder = holder_of.get(goal.object_id)
    usable_beside_holder = goal.verb == "use" and goal.location_id is None
    if holder is not None and holder != me and not usable_beside_holder:
        return "object_taken_by_another"
    return ""
