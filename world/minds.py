"""NPCs' goals and day plans: the `minds_tick` phase and the `plan_intention_source`.

Each tick, after the characters acted (`world.tick` runs it as a tick phase):

1. the tick's events move goals on: an action a goal led to (its `goal_id`) or one that
   answers a goal's need where the goal is served (`NEED_SATISFIERS`) adds `PROGRESS`;
   a goal at 1.0 is achieved (GOAL_ACHIEVED);
2. a goal fails when its deadline passed or the thing it needs is gone or in another's hands
   (GOAL_FAILED; `planning.goal_failure`);
3. new goals arise (GOAL_ADOPTED) from urgent needs (`NEED_GOALS`: rest, company,
   curiosity, purpose; purpose adopts one of the faction's goals) and from events (a thing
   of one's own taken: get it back from the taker);
4. day plans: a character makes its plan for the day in the morning (DAY_PLANNED) and plans
   the rest of the day again when something important happens to it (PLAN_REVISED: a goal
   adopted, achieved or failed, a thing of its own taken, a clash where it stands).

Only characters touched by the tick's events, and a rotating cohort of the rest (one in
`REVIEW_EVERY` per tick), are reviewed, so the phase costs a constant number of queries and
a share of the world per tick. `Character.goals` mirrors the active goals, foremost first.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime

from django.db.models import F, Q, Value
from django.db.models.functions import Mod

from htrae.bulk import bulk_create, bulk_update_columns
from htrae.vocabulary import EventType
from spectra.resting import chronotype
from world.autonomy import planning
from world.autonomy.planning import GoalFacts, Slot
from world.autonomy.state import Intention
from world.events import EventDraft, publish_many
from world.models import Character, CharacterGoal, Location, RoutineSlot, WorldObject

REVIEW_EVERY = 6  # ticks between two reviews of a character nothing happened to
PLAN_HOUR = 5  # the hour from which a character makes the day's plan
NEED_DEADLINE_TICKS = 24
FACTION_DEADLINE_TICKS = 96
RECLAIM_DEADLINE_TICKS = 48
# A faction's causes are never done for good: a member takes one up again a day after it last
# ended (achieved or failed). Held once for ever, a faction's three goals ran out within a few
# hundred ticks, and every NPC was left with no goal at all and its purpose unanswerable.
GOAL_TAKEN_UP_AGAIN_AFTER_TICKS = 48

# How much an action moves the goal it was done for, by the action's event (prefix dropped).
PROGRESS = {
    "PURSUED_GOAL": 0.2,
    "RESTED": 0.25,
    "TALKED": 0.34,
    "EXPLORED": 0.25,
    "CREATED": 0.2,
    "TOOK_OBJECT": 1.0,
    "USED_OBJECT": 0.5,
    "GAVE_OBJECT": 1.0,
    "CONFRONTED": 0.34,
}
# The action that finishes a goal of each verb; the others on the way count for little.
FINISHING = {"take": "TOOK_OBJECT", "use": "USED_OBJECT", "give": "GAVE_OBJECT"}
ON_THE_WAY = 0.1
UNPLACED_PURSUIT = 0.05  # working on a goal with no place to be: slow
# The action that answers a need, anywhere the need's goal is served.
NEED_SATISFIERS = {"rest": "RESTED", "social": "TALKED", "curiosity": "EXPLORED", "purpose": "PURSUED_GOAL"}
# The goal an urgent need gives rise to: title, priority, where (a routine activity's place,
# "elsewhere": a place outside the routine, "faction": one of the faction's goals at its home).
NEED_GOALS = {
    "rest": ("Get some sleep", 6, "sleep"),
    "social": ("Find company", 5, "gather"),
    "curiosity": ("See something new", 4, "elsewhere"),
    "purpose": ("", 5, "faction"),
}
IMPORTANT = (EventType.GOAL_ADOPTED, EventType.GOAL_ACHIEVED, EventType.GOAL_FAILED)


def _suffix(event_type: str) -> str:
    return event_type.split("_", 1)[1] if "_" in event_type else event_type


def minds_tick(context) -> None:
    """The phase (see the module docstring). About ten queries, whatever the world's size."""
    tick, events = context.tick, list(context.events)
    npc_events = [e for e in events if (e.payload or {}).get("actor_kind") == Character.Kind.NPC]
    touched = {e.actor_id for e in npc_events if e.actor_id is not None}
    stolen_from: dict[int, list] = defaultdict(list)
    for event in events:
        if event.type in EventType.OBJECT_TAKEN and (event.payload or {}).get("stolen"):
            owner = event.payload.get("owner_id")
            if isinstance(owner, int):
                stolen_from[owner].append(event)
    clash_places = {e.location_id for e in events if e.type in EventType.CLASHES and e.location_id is not None}

    due = Q(id__any=sorted(touched | set(stolen_from))) | Q(location_id__any=sorted(clash_places))
    rows = list(
        Character.objects.filter(kind=Character.Kind.NPC, is_active=True)
        .annotate(turn=Mod(F("id"), Value(REVIEW_EVERY)))
        .filter(due | Q(turn=tick % REVIEW_EVERY))
        .order_by("id")
        .values_list("id", "name", "location_id", "needs", "plan", "faction__goals", "faction__home_id", "personality")
    )
    if not rows:
        return
    ids = [row[0] for row in rows]
    goal_rows = list(
        CharacterGoal.objects.filter(character_id__any=ids, status=CharacterGoal.Status.ACTIVE).order_by("id")
    )
    titles_held = defaultdict(set)  # goals it holds, or ended too lately to take up again
    for character_id, title in (
        CharacterGoal.objects.filter(character_id__any=ids)
        .filter(
            Q(status=CharacterGoal.Status.ACTIVE)
            | Q(ended_tick__isnull=True)
            | Q(ended_tick__gt=tick - GOAL_TAKEN_UP_AGAIN_AFTER_TICKS)
        )
        .values_list("character_id", "title")
    ):
        titles_held[character_id].add(title)
    slots: dict[int, list[Slot]] = defaultdict(list)
    for character_id, start, end, location_id, activity in (
        RoutineSlot.objects.filter(character_id__any=ids)
        .order_by("character_id", "start_hour", "id")
        .values_list("character_id", "start_hour", "end_hour", "location_id", "activity")
    ):
        slots[character_id].append(Slot(start, end, location_id, activity))
    for character_id, *_, personality in rows:  # each keeps the routine's night by its own body clock
        slots[character_id] = planning.kept_by_chronotype(slots[character_id], chronotype(personality or {}))
    holder_of: dict[int, int | None] = {}
    lying: set[int] = set()
    for object_id, holder_id, location_id in WorldObject.objects.order_by("id").values_list(
        "id", "holder_id", "location_id"
    ):
        holder_of[object_id] = holder_id
        if location_id is not None:
            lying.add(object_id)
    location_ids = list(Location.objects.order_by("id").values_list("id", flat=True))

    by_character: dict[int, list[CharacterGoal]] = defaultdict(list)
    for goal in goal_rows:
        by_character[goal.character_id].append(goal)
    events_by_actor: dict[int, list] = defaultdict(list)
    for event in npc_events:
        events_by_actor[event.actor_id].append(event)

    drafts: list[EventDraft] = []
    changed_goals: list[CharacterGoal] = []
    new_goals: list[CharacterGoal] = []
    character_updates: list[tuple] = []
    hour = context.world_time.hour
    for character_id, name, location_id, needs, plan, faction_goals, faction_home, _ in rows:
        actor = {"actor_id": character_id, "actor_name": name, "actor_kind": Character.Kind.NPC, "tick": tick}
        goals = by_character.get(character_id, [])
        reasons: list[str] = []
        for goal in goals:
            before = (goal.progress, goal.status)
            _advance(goal, events_by_actor.get(character_id, []), holder_of)
            why = (
                ""
                if goal.status != CharacterGoal.Status.ACTIVE
                else planning.goal_failure(_facts(goal), tick=tick, holder_of=holder_of, lying=lying, me=character_id)
            )
            if why:
                goal.status, goal.outcome = CharacterGoal.Status.FAILED, why
            if goal.status != CharacterGoal.Status.ACTIVE:
                goal.ended_tick = tick
                kind = (
                    EventType.GOAL_ACHIEVED if goal.status == CharacterGoal.Status.ACHIEVED else EventType.GOAL_FAILED
                )
                drafts.append(_goal_draft(kind, goal, actor, location_id, reason=why))
                reasons.append(f"{'achieved' if kind == EventType.GOAL_ACHIEVED else 'failed'}: {goal.title}")
            if (goal.progress, goal.status) != before:
                changed_goals.append(goal)
        active = [g for g in goals if g.status == CharacterGoal.Status.ACTIVE]

        adopted: list[CharacterGoal] = []
        for event in stolen_from.get(character_id, []):
            taker = event.actor_id
            title = f"Get back the {event.payload.get('object_name', 'thing')}"[:200]
            if taker is not None and taker != character_id and title not in titles_held[character_id]:
                adopted.append(
                    CharacterGoal(
                        character_id=character_id,
                        title=title,
                        source=CharacterGoal.Source.EVENT,
                        verb=CharacterGoal.Verb.TALK,
                        priority=8,
                        partner_id=taker,
                        target_object_id=event.payload.get("object_id"),
                        started_tick=tick,
                        deadline_tick=tick + RECLAIM_DEADLINE_TICKS,
                    )
                )
        rng = random.Random(f"{context.seed}:{tick}:{character_id}:goals")
        for need, (title, priority, where) in NEED_GOALS.items():
            if len(active) + len(adopted) >= planning.MAX_ACTIVE_GOALS:
                break
            if float((needs or {}).get(need, 0.0)) < planning.NEED_URGENT or any(g.need == need for g in active):
                continue
            goal = _need_goal(
                need,
                title,
                priority,
                where,
                character_id=character_id,
                slots=slots[character_id],
                faction_goals=faction_goals or [],
                faction_home=faction_home,
                held=titles_held[character_id],
                location_ids=location_ids,
                tick=tick,
                rng=rng,
            )
            if goal is not None:
                adopted.append(goal)
                titles_held[character_id].add(goal.title)
        for goal in adopted:
            drafts.append(_goal_draft(EventType.GOAL_ADOPTED, goal, actor, location_id))
            reasons.append(f"new goal: {goal.title}")
        new_goals += adopted
        if location_id in clash_places:
            reasons.append("a clash here")

        plan_before = dict(plan or {})
        plan = dict(plan_before)
        today = context.world_time.date().isoformat()
        facts = [_facts(g) for g in (*active, *adopted)]
        if plan.get("day") != today and hour >= PLAN_HOUR and slots[character_id]:
            plan = {
                "day": today,
                "made_tick": tick,
                "revisions": 0,
                "entries": planning.plan_day(slots=slots[character_id], goals=facts, hour=hour),
            }
            drafts.append(_plan_draft(EventType.DAY_PLANNED, plan, actor, location_id))
        elif reasons and plan.get("day") == today:
            plan = {**plan, "revisions": int(plan.get("revisions", 0)) + 1, "revised_tick": tick}
            plan["entries"] = planning.plan_day(slots=slots[character_id], goals=facts, hour=hour)
            drafts.append(_plan_draft(EventType.PLAN_REVISED, plan, actor, location_id, reason="; ".join(reasons)))
        if plan != plan_before or adopted or len(active) != len(goals):
            ordered = sorted(facts, key=lambda g: (-g.priority, g.id))
            character_updates.append((character_id, [g.title for g in ordered], plan))

    if changed_goals:
        # One UPDATE ... FROM unnest, not the ORM's bulk_update: its CASE WHEN a row per goal
        # is read for every goal updated, quadratic in them (7 minutes at 100,000 NPCs).
        bulk_update_columns(
            CharacterGoal,
            ["progress", "status", "outcome", "ended_tick"],
            sorted((g.id, g.progress, g.status, g.outcome, g.ended_tick) for g in changed_goals),
        )
    if new_goals:
        bulk_create(new_goals)
        for draft, goal in zip((d for d in drafts if d.type == EventType.GOAL_ADOPTED), new_goals, strict=True):
            draft.payload["goal_id"] = goal.id
    if character_updates:
        bulk_update_columns(Character, ["goals", "plan"], character_updates)
    if drafts:
        publish_many(drafts, broadcast=False)


def _advance(goal: CharacterGoal, events: list, holder_of: dict[int, int | None]) -> None:
    """Move a goal on by the actor's events of this tick; at 1.0 it is achieved."""
    step = 0.0
    for event in events:
        payload = event.payload or {}
        kind = _suffix(event.type)
        if payload.get("goal_id") == goal.id:
            finishing = FINISHING.get(goal.verb)
            if finishing and kind in FINISHING.values() and kind != finishing:
                step += ON_THE_WAY  # fetched the thing to use or give: not done yet
            elif goal.location_id is None or event.location_id == goal.location_id:
                step += PROGRESS.get(kind, 0.0)  # only where the goal is served
        elif goal.need and NEED_SATISFIERS.get(goal.need) == kind and goal.location_id in (None, event.location_id):
            step += 0.5
        elif kind == "PURSUED_GOAL" and payload.get("goal") == goal.title and not goal.location_id:
            step += UNPLACED_PURSUIT
        elif goal.partner_id and payload.get("listener_id", payload.get("target_id")) == goal.partner_id:
            step += PROGRESS.get(kind, 0.0)
    reclaimed = goal.target_object_id is not None and holder_of.get(goal.target_object_id) == goal.character_id
    if goal.source == CharacterGoal.Source.EVENT and reclaimed:
        step = 1.0  # got it back
    if step > 0:
        goal.progress = min(1.0, round(goal.progress + step, 4))
        if goal.progress >= 1.0:
            goal.status = CharacterGoal.Status.ACHIEVED


def _need_goal(
    need, title, priority, where, *, character_id, slots, faction_goals, faction_home, held, location_ids, tick, rng
):
    place = None
    if where == "faction":
        fresh = [str(g) for g in faction_goals if str(g) not in held]
        if not fresh or faction_home is None:
            return None
        title, place, deadline = fresh[0], faction_home, FACTION_DEADLINE_TICKS
        source = CharacterGoal.Source.FACTION
    elif where == "elsewhere":
        known = {slot.location_id for slot in slots}
        unknown = [lid for lid in location_ids if lid not in known]
        if not unknown:
            return None
        place, deadline, source = rng.choice(unknown), NEED_DEADLINE_TICKS * 2, CharacterGoal.Source.NEED
    else:
        place = next((slot.location_id for slot in slots if slot.activity == where), None)
        deadline, source = NEED_DEADLINE_TICKS, CharacterGoal.Source.NEED
    if title in held and source != CharacterGoal.Source.NEED:
        return None
    return CharacterGoal(
        character_id=character_id,
        title=title[:200],
        source=source,
        need=need,
        verb=CharacterGoal.Verb.VISIT,
        priority=priority,
        location_id=place,
        started_tick=tick,
        deadline_tick=tick + deadline,
    )


# A batch's goals are read as rows of these, not as models: whose goal it is, and what `_facts` reads.
GOAL_FACT_FIELDS = (
    "id", "character_id", "title", "verb", "priority", "progress", "location_id", "target_object_id", "partner_id",
    "need", "deadline_tick",
)  # fmt: skip


def _facts(goal) -> GoalFacts:
    """A goal (a model, or a row of GOAL_FACT_FIELDS) as the pure planner sees it."""
    return GoalFacts(
        id=goal.id or 0,
        title=goal.title,
        verb=goal.verb,
        priority=goal.priority,
        progress=goal.progress,
        location_id=goal.location_id,
        object_id=goal.target_object_id,
        partner_id=goal.partner_id,
        need=goal.need,
        deadline_tick=goal.deadline_tick,
    )


def _goal_draft(kind: str, goal: CharacterGoal, actor: dict, location_id: int | None, reason: str = "") -> EventDraft:
    payload = {**actor, "goal_id": goal.id, "title": goal.title, "source": goal.source, "progress": goal.progress}
    if reason:
        payload["reason"] = reason
    return EventDraft(
        type=kind, payload=payload, tick=actor["tick"], location_id=location_id, actor_id=actor["actor_id"]
    )


def _plan_draft(kind: str, plan: dict, actor: dict, location_id: int | None, reason: str = "") -> EventDraft:
    payload = {**actor, "entries": plan["entries"], "revisions": plan.get("revisions", 0)}
    if reason:
        payload["reason"] = reason
    return EventDraft(
        type=kind, payload=payload, tick=actor["tick"], location_id=location_id, actor_id=actor["actor_id"]
    )


def plan_intention_source(*, character_ids: list[int], tick: int, world_time: datetime) -> dict[int, list[Intention]]:
    """The world's own intentions: each NPC's plan entry for the hour and its goals with a
    target (two queries per batch). Plans and goals change only in the tick's phases, so
    every batch of a tick reads the same."""
    plans = dict(
        Character.objects.filter(id__any=character_ids, kind=Character.Kind.NPC)
        .order_by("id")
        .values_list("id", "plan")
    )
    goals: dict[int, list[GoalFacts]] = defaultdict(list)
    for goal in (
        CharacterGoal.objects.filter(character_id__any=character_ids, status=CharacterGoal.Status.ACTIVE)
        .order_by("id")
        .values_list(*GOAL_FACT_FIELDS, named=True)
    ):
        goals[goal.character_id].append(_facts(goal))
    found: dict[int, list[Intention]] = {}
    for character_id in sorted(set(plans) | set(goals)):
        intentions = planning.plan_intentions(
            plan=plans.get(character_id) or {}, goals=goals.get(character_id, []), hour=world_time.hour
        )
        if intentions:
            found[character_id] = intentions
    return found
