"""Spectra's life goals: achieved by changes in the world, never by counting alone.

A `SpectraGoal` with `achieved_when` is achieved only when the world shows it
(`condition_met`): the object named by `hear` is used where she stands (the Drowned Bell
tolls), she `hold`s an object, she `use`s one, she `receive`s a gift, or she `visit`s a
place. Counters (`advanced_by`) still move its progress, up to `COUNTED_CEILING`.
`spectra_goal_intentions` makes her pursue them (`pursue`: verb, object, location) the way
NPCs pursue theirs. When one is achieved the next set-aside goal becomes active; with none
left she takes up a wish to see a place she has not seen lately, so she always has a goal,
and `Character.goals` lists exactly her active goals, foremost first.

Self-contained so it can move with the rest of her mind (spectra/services.py calls it).
"""

from __future__ import annotations

from datetime import datetime

from htrae.vocabulary import EventType
from spectra.models import SpectraGoal
from world.autonomy.state import Intention
from world.events import EventDraft, publish_many
from world.models import Character, Location, WorldObject

COUNTED_CEILING = 0.9  # counters alone never finish a goal the world must achieve
MIN_ACTIVE = 1
WANDER_PRIORITY = 3


def condition_met(goal: SpectraGoal, *, spectra: Character, events: list, slugs: dict[str, int]) -> bool:
    """Whether the world now shows what `goal.achieved_when` asks (see the module docstring).
    `events`: this tick's (or this action's) events; `slugs`: object and place slugs → ids."""
    when = goal.achieved_when or {}
    if "hear" in when:
        bell = slugs.get(f"object:{when['hear']}")
        return any(
            e.type in EventType.OBJECT_USED
            and ((e.payload or {}).get("effect") or {}).get("object_id") == bell
            and e.location_id == spectra.location_id
            for e in events
        )
    if "hold" in when:
        wanted = slugs.get(f"object:{when['hold']}")
        return WorldObject.objects.filter(id=wanted, holder_id=spectra.id).exists()
    if "use" in when:
        wanted = slugs.get(f"object:{when['use']}")
        return any(
            e.type in EventType.OBJECT_USED
            and e.actor_id == spectra.id
            and (e.payload or {}).get("object_id") == wanted
            for e in events
        )
    if when.get("receive"):
        return any(
            e.type in EventType.OBJECT_GIVEN and (e.payload or {}).get("receiver_id") == spectra.id for e in events
        )
    if "visit" in when:
        return spectra.location_id == slugs.get(f"place:{when['visit']}")
    return False


def _slugs() -> dict[str, int]:
    found = {f"object:{slug}": pk for pk, slug in WorldObject.objects.order_by("id").values_list("id", "slug")}
    found.update({f"place:{slug}": pk for pk, slug in Location.objects.order_by("id").values_list("id", "slug")})
    return found


def life_goals_advance(*, spectra: Character, events: list, steps: dict[int, float], tick: int) -> list[EventDraft]:
    """Apply counted `steps` (goal id → progress) and the world's changes to her active goals;
    returns GOAL_ACHIEVED / GOAL_ADOPTED drafts (the caller publishes). A few queries."""
    goals = list(SpectraGoal.objects.filter(character=spectra, status=SpectraGoal.Status.ACTIVE).order_by("id"))
    slugs = _slugs() if any(goal.achieved_when for goal in goals) else {}
    drafts: list[EventDraft] = []
    changed = []
    actor = {"actor_id": spectra.id, "actor_name": spectra.name, "actor_kind": spectra.kind, "tick": tick}
    for goal in goals:
        before = (goal.progress, goal.status)
        step = steps.get(goal.id, 0.0)
        if goal.achieved_when:
            if condition_met(goal, spectra=spectra, events=events, slugs=slugs):
                goal.progress, goal.status, goal.achieved_tick = 1.0, SpectraGoal.Status.ACHIEVED, tick
            elif step > 0:
                goal.progress = min(COUNTED_CEILING, round(goal.progress + step, 4))
        elif step > 0:
            goal.progress = min(1.0, round(goal.progress + step, 4))
            if goal.progress >= 1.0:
                goal.status, goal.achieved_tick = SpectraGoal.Status.ACHIEVED, tick
        if (goal.progress, goal.status) != before:
            changed.append(goal)
        if goal.status == SpectraGoal.Status.ACHIEVED and before[1] != goal.status:
            payload = {**actor, "title": goal.title, "source": "life", "achieved_when": goal.achieved_when}
            drafts.append(EventDraft(EventType.GOAL_ACHIEVED, payload, tick, spectra.location_id, spectra.id))
    if changed:
        SpectraGoal.objects.bulk_update(changed, ["progress", "status", "achieved_tick"])
    return drafts + life_goals_ensure(spectra=spectra, tick=tick)


def life_goals_ensure(*, spectra: Character, tick: int) -> list[EventDraft]:
    """She always has an active goal: wake the foremost set-aside one, else wish to see a
    place she is not at (the least recently wished for). Returns GOAL_ADOPTED drafts."""
    if SpectraGoal.objects.filter(character=spectra, status=SpectraGoal.Status.ACTIVE).count() >= MIN_ACTIVE:
        return []
    waiting = SpectraGoal.objects.filter(character=spectra, status=SpectraGoal.Status.SET_ASIDE)
    goal = waiting.order_by("-priority", "id").first()
    if goal is not None:
        goal.status = SpectraGoal.Status.ACTIVE
        goal.save(update_fields=["status", "updated_at"])
    else:
        titles = set(SpectraGoal.objects.filter(character=spectra).values_list("title", flat=True))
        places = Location.objects.exclude(id=spectra.location_id).order_by("id").values_list("slug", "name")
        fresh = [(slug, name) for slug, name in places if f"See {name} again" not in titles]
        slug, name = (fresh or list(places) or [(None, "somewhere new")])[0]
        title = f"See {name} again"
        if title in titles:  # every place wished for already: the oldest wish comes back
            SpectraGoal.objects.filter(character=spectra, title=title).delete()
        goal = SpectraGoal.objects.create(
            character=spectra,
            title=title,
            priority=WANDER_PRIORITY,
            achieved_when={"visit": slug} if slug else {},
            pursue={"verb": "visit", "location": slug} if slug else {},
        )
    payload = {"actor_id": spectra.id, "actor_name": spectra.name, "actor_kind": spectra.kind, "tick": tick}
    payload.update(title=goal.title, source="life")
    return [EventDraft(EventType.GOAL_ADOPTED, payload, tick, spectra.location_id, spectra.id)]


def life_goals_publish(drafts: list[EventDraft]) -> None:
    if drafts:
        publish_many(drafts, broadcast=False)


def spectra_goal_intentions(*, character_ids: list[int], tick: int, world_time: datetime) -> dict[int, list[Intention]]:
    """Her active goals with a `pursue` as intentions, foremost first (three queries, only
    in the batch that holds her)."""
    in_batch = Character.objects.filter(id__any=character_ids, kind=Character.Kind.SPECTRA)
    spectra_id = in_batch.values_list("id", flat=True).first()
    if spectra_id is None:
        return {}
    goals = list(
        SpectraGoal.objects.filter(character_id=spectra_id, status=SpectraGoal.Status.ACTIVE).order_by(
            "-priority", "id"
        )
    )
    if not any(goal.pursue for goal in goals):
        return {}
    slugs = _slugs()
    found = []
    for goal in goals:
        pursue = goal.pursue or {}
        location = slugs.get(f"place:{pursue.get('location')}")
        thing = slugs.get(f"object:{pursue.get('object')}")
        if location is None and thing is None:
            continue
        weight = min(0.8, 0.3 + 0.05 * goal.priority)
        found.append(
            Intention(goal.title, weight, location_id=location, object_id=thing, verb=str(pursue.get("verb", "")))
        )
    return {spectra_id: found} if found else {}
