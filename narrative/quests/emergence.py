"""Emergent quests: which quests the world's state gives rise to, written from designers'
templates. Pure functions over plain facts, no ORM; `narrative.quests.emergent.emergent_quests_start`
loads the facts and writes the plans.

A template has a trigger; each trigger finds *occasions* in the world and offers *roles* to the
template's title, description and steps (as `{role}` in the text, and as step targets):

- `relation`: a faction regards another at or below `standing_at_most` (and, if set, at or
  above `standing_at_least`), or at or above `standing_at_least` alone. Roles: `holder` (a
  member of the faction), `faction`, `other`, `faction_home`, `other_home`, `other_member`
  (a member of the other faction).
- `unmet_goal`: a character's goal names a place or a person, and no quest from that goal has
  been completed. Roles: `holder` (the character), `goal`, `place`, `person`.
- `lore_secret`: a secret tied to a place, which a character tied to it (or to one of its
  factions) does not know yet. Roles: `holder`, `secret`, `secret_place`, `keeper` (another
  character tied to the secret).

A template another leads to (`chained`) has no occasions of its own: a quest completed from
the template leading to it opens one (`ChainOpening`), the same occasion (its factions, goal
or secret, whatever the standing is now) for the same holder, and the new quest `follows` it.

An occasion is used again only after the template's `cooldown_ticks`; a template keeps at most
`max_active` quests open; a character holds at most one emergent quest at a time; no quest
starts under the title of one open now (the database's `quest_open_title_unique` too). Who holds the
quest (and which member of the other faction to seek) is drawn from a generator seeded by the
world seed, the tick and the occasion, so the same world gives the same quests.

Effects (carried out by `narrative.quests.services`): completing grants `rewards.standing` (how those
factions regard the holder's faction) and `rewards.discover` (lore the holder learns); failing
(the deadline passes) applies `rewards.failure_standing`.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from htrae.text import mentions

STEP_TYPES = ("reach_location", "talk_to", "wait", "witness_event")
MAX_STEPS = 8
MAX_WAIT_TICKS = 1000

# Roles by trigger: which name a place, which a character, which are only words.
LOCATION_ROLES = {
    "relation": ("faction_home", "other_home"),
    "unmet_goal": ("place",),
    "lore_secret": ("secret_place",),
}
CHARACTER_ROLES = {
    "relation": ("holder", "other_member"),
    "unmet_goal": ("holder", "person"),
    "lore_secret": ("holder", "keeper"),
}
TEXT_ROLES = {
    "relation": ("faction", "other"),
    "unmet_goal": ("goal",),
    "lore_secret": ("secret",),
}
TRIGGERS = tuple(LOCATION_ROLES)


def roles_of(trigger: str) -> tuple[str, ...]:
    return LOCATION_ROLES.get(trigger, ()) + CHARACTER_ROLES.get(trigger, ()) + TEXT_ROLES.get(trigger, ())


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text or "") if name}
    except ValueError:  # an unmatched brace
        return {"{"}


def template_problems(*, trigger: str, title: str, description: str, steps) -> list[str]:
    """What is wrong with a template, in words a designer can act on (empty: nothing)."""
    if trigger not in TRIGGERS:
        return [f"Unknown trigger {trigger!r}."]
    roles = set(roles_of(trigger))
    problems = []
    for label, text in (("title", title), ("description", description)):
        unknown = _placeholders(text) - roles
        if unknown:
            offered = ", ".join(sorted(roles))
            problems.append(f"The {label} uses {', '.join(sorted(unknown))}; this trigger offers {offered}.")
    if not isinstance(steps, list) or not steps:
        return [*problems, "Give at least one step, as a list."]
    if len(steps) > MAX_STEPS:
        problems.append(f"At most {MAX_STEPS} steps.")
    for number, step in enumerate(steps, start=1):
        problems += [f"Step {number}: {problem}" for problem in _step_problems(trigger, step, roles)]
    return problems


def _step_problems(trigger: str, step, roles: set[str]) -> list[str]:
    if not isinstance(step, dict):
        return ["a step is an object with a type."]
    kind = step.get("type")
    if kind not in STEP_TYPES:
        return [f"type must be one of {', '.join(STEP_TYPES)}."]
    problems = []
    objective = step.get("objective")
    if not isinstance(objective, str) or not objective.strip():
        problems.append("say what it asks in 'objective'.")
    elif _placeholders(objective) - roles:
        problems.append(f"the objective uses {', '.join(sorted(_placeholders(objective) - roles))}.")
    target = step.get("target")
    if kind == "reach_location" and target not in LOCATION_ROLES[trigger]:
        problems.append(f"'target' must be one of {', '.join(LOCATION_ROLES[trigger])}.")
    if kind == "talk_to" and target not in CHARACTER_ROLES[trigger]:
        problems.append(f"'target' must be one of {', '.join(CHARACTER_ROLES[trigger])}.")
    if kind == "wait":
        ticks = step.get("ticks")
        if not isinstance(ticks, int) or isinstance(ticks, bool) or not 1 <= ticks <= MAX_WAIT_TICKS:
            problems.append(f"'ticks' must be a whole number from 1 to {MAX_WAIT_TICKS}.")
    if kind == "witness_event" and not (isinstance(step.get("event_type"), str) and step["event_type"].strip()):
        problems.append("'event_type' names the event to witness.")
    return problems


# --- Facts in -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateFacts:
    id: int
    slug: str
    trigger: str
    title: str
    description: str
    steps: tuple[dict, ...]
    standing_at_most: int | None = None
    standing_at_least: int | None = None
    reward_standing: int = 0
    failure_standing: int = 0
    time_limit_ticks: int | None = None
    cooldown_ticks: int = 200
    max_active: int = 3
    active: int = 0  # quests of this template open now
    chained: bool = False  # another template leads to it: only a chain opens it (see `ChainOpening`)


@dataclass(frozen=True)
class CharacterFacts:
    id: int
    name: str
    location_id: int | None
    faction_id: int | None = None
    goals: tuple[str, ...] = ()
    busy: bool = False  # holds an emergent quest already


@dataclass(frozen=True)
class FactionFacts:
    id: int
    slug: str
    name: str
    home_id: int | None = None
    member_ids: tuple[int, ...] = ()  # active NPC members, by id


@dataclass(frozen=True)
class SecretFacts:
    id: int
    slug: str
    title: str
    location_ids: tuple[int, ...] = ()
    character_ids: tuple[int, ...] = ()
    faction_ids: tuple[int, ...] = ()
    known_by: frozenset[int] = frozenset()


@dataclass(frozen=True)
class WorldFacts:
    locations: Mapping[int, str]
    characters: Mapping[int, CharacterFacts]  # the NPCs who may hold quests or be sought
    factions: Mapping[int, FactionFacts]
    standings: Mapping[tuple[int, int], int]  # (faction, other) → current standing
    secrets: tuple[SecretFacts, ...] = ()
    last_started: Mapping[str, int] = field(default_factory=dict)  # origin key → tick last started
    completed_origins: frozenset[str] = frozenset()
    open_titles: frozenset[str] = frozenset()  # titles of the quests open now (no two open share one)
    chain_openings: tuple[ChainOpening, ...] = ()


@dataclass(frozen=True)
class ChainOpening:
    """A quest completed whose template leads to `template_id`: its holder takes up the next
    quest of the chain, on the same occasion (the same factions, goal or secret)."""

    quest_id: int
    template_id: int
    holder_id: int
    origin_key: str


# --- Plans out -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StepPlan:
    order: int
    objective_type: str
    objective: str
    target_location_id: int | None = None
    target_character_id: int | None = None
    wait_ticks: int | None = None
    event_type: str = ""


@dataclass(frozen=True)
class QuestPlan:
    template_id: int
    origin_key: str
    title: str
    description: str
    holder_id: int
    giver_id: int | None
    faction_id: int | None
    steps: tuple[StepPlan, ...]
    rewards: dict
    deadline_tick: int | None
    follows_id: int | None = None  # the quest whose completion opened this one


@dataclass(frozen=True)
class _Occasion:
    key: str
    holder_candidates: tuple[int, ...]
    roles: dict  # role → (display text, location id or None, character id or None)
    faction_id: int | None = None
    standing_to: str | None = None  # the faction whose regard the quest's outcome moves
    discover: str | None = None
    follows_id: int | None = None


def plan_emergent_quests(
    *, templates: Iterable[TemplateFacts], world: WorldFacts, tick: int, seed: int, limit: int
) -> list[QuestPlan]:
    """The quests to start now, at most `limit`, in a stable order."""
    plans: list[QuestPlan] = []
    taken: set[int] = {cid for cid, c in world.characters.items() if c.busy}
    titles: set[str] = set(world.open_titles)
    for template in sorted(templates, key=lambda t: t.slug):
        room = template.max_active - template.active
        for occasion in _occasions(template, world):
            if len(plans) >= limit or room <= 0:
                break
            last = world.last_started.get(occasion.key)
            if last is not None and tick - last < template.cooldown_ticks:
                continue
            if template.trigger == "unmet_goal" and occasion.key in world.completed_origins:
                continue
            rng = random.Random(f"{seed}:{tick}:{occasion.key}")
            free = [cid for cid in occasion.holder_candidates if cid not in taken]
            if not free:
                continue
            holder = world.characters[rng.choice(free)]
            plan = _plan(template, occasion, holder, world, tick, rng)
            if plan is None or plan.title in titles:
                continue
            plans.append(plan)
            taken.add(holder.id)
            titles.add(plan.title)
            room -= 1
    return plans


def _occasions(template: TemplateFacts, world: WorldFacts) -> list[_Occasion]:
    if template.chained:
        return _chain_occasions(template, world)
    if template.trigger == "relation":
        return _relation_occasions(template, world)
    if template.trigger == "unmet_goal":
        return _goal_occasions(template, world)
    if template.trigger == "lore_secret":
        return _secret_occasions(template, world)
    return []


def _chain_occasions(template: TemplateFacts, world: WorldFacts) -> list[_Occasion]:
    """The occasions chains open for `template`: the occasion of each completed quest that
    leads to it (its origin key's tail: the factions, goal or secret), held by the same holder,
    whatever the standing is now."""
    openings = {
        opening.origin_key.split(":", 1)[1]: opening
        for opening in sorted(world.chain_openings, key=lambda o: o.quest_id)
        if opening.template_id == template.id and ":" in opening.origin_key
    }
    if not openings:
        return []
    found = {
        "relation": lambda: _relation_occasions(template, world, any_standing=True),
        "unmet_goal": lambda: _goal_occasions(template, world),
        "lore_secret": lambda: _secret_occasions(template, world, known_too=True),
    }.get(template.trigger, list)()
    occasions = []
    for occasion in found:
        opening = openings.get(occasion.key.split(":", 1)[1])
        if opening is not None and opening.holder_id in world.characters:
            occasions.append(
                _Occasion(
                    key=occasion.key,
                    holder_candidates=(opening.holder_id,),
                    roles=occasion.roles,
                    faction_id=occasion.faction_id,
                    standing_to=occasion.standing_to,
                    discover=occasion.discover,
                    follows_id=opening.quest_id,
                )
            )
    return occasions


def _relation_occasions(template: TemplateFacts, world: WorldFacts, *, any_standing: bool = False) -> list[_Occasion]:
    if template.standing_at_most is None and template.standing_at_least is None and not any_standing:
        return []
    occasions = []
    for (faction_id, other_id), standing in sorted(world.standings.items()):
        if not any_standing and template.standing_at_most is not None and standing > template.standing_at_most:
            continue
        if not any_standing and template.standing_at_least is not None and standing < template.standing_at_least:
            continue
        faction, other = world.factions.get(faction_id), world.factions.get(other_id)
        if faction is None or other is None or not faction.member_ids:
            continue
        roles = {
            "faction": (faction.name, None, None),
            "other": (other.name, None, None),
            "faction_home": (world.locations.get(faction.home_id, ""), faction.home_id, None),
            "other_home": (world.locations.get(other.home_id, ""), other.home_id, None),
            "other_member": _someone(other.member_ids),
        }
        occasions.append(
            _Occasion(
                key=f"{template.slug}:{faction.slug}:{other.slug}",
                holder_candidates=faction.member_ids,
                roles=roles,
                faction_id=faction.id,
                standing_to=other.slug,
            )
        )
    return occasions


def _someone(member_ids: tuple[int, ...]):
    """A role filled later by a seeded draw among `member_ids` (see `_plan`)."""
    return ("", None, tuple(member_ids)) if member_ids else ("", None, None)


def _goal_occasions(template: TemplateFacts, world: WorldFacts) -> list[_Occasion]:
    occasions = []
    for character_id in sorted(world.characters):
        character = world.characters[character_id]
        for index, goal in enumerate(character.goals):
            place = next(
                (
                    (name, location_id)
                    for location_id, name in sorted(world.locations.items())
                    if location_id != character.location_id and mentions(goal, name)
                ),
                None,
            )
            person = next(
                (
                    other
                    for other_id, other in sorted(world.characters.items())
                    if other_id != character.id and mentions(goal, other.name)
                ),
                None,
            )
            if place is None and person is None:
                continue
            roles = {
                "holder": (character.name, None, character.id),
                "goal": (goal.rstrip("."), None, None),
                "place": (place[0], place[1], None) if place else ("", None, None),
                "person": (person.name, None, person.id) if person else ("", None, None),
            }
            occasions.append(
                _Occasion(
                    key=f"{template.slug}:{character.id}:{index}",
                    holder_candidates=(character.id,),
                    roles=roles,
                    faction_id=character.faction_id,
                )
            )
    return occasions


def _secret_occasions(template: TemplateFacts, world: WorldFacts, *, known_too: bool = False) -> list[_Occasion]:
    occasions = []
    for secret in sorted(world.secrets, key=lambda s: s.slug):
        places = [location_id for location_id in secret.location_ids if location_id in world.locations]
        if not places:
            continue
        members = {
            member
            for faction_id in secret.faction_ids
            for member in (world.factions[faction_id].member_ids if faction_id in world.factions else ())
        }
        tied = [cid for cid in secret.character_ids if cid in world.characters]
        candidates = sorted((set(tied) | members) - (frozenset() if known_too else secret.known_by))
        if not candidates:
            continue
        place = min(places)
        roles = {
            "secret": (secret.title, None, None),
            "secret_place": (world.locations[place], place, None),
            "keeper": ("", None, tuple(tied)) if tied else ("", None, None),
        }
        occasions.append(
            _Occasion(
                key=f"{template.slug}:{secret.slug}",
                holder_candidates=tuple(candidates),
                roles=roles,
                discover=secret.slug,
            )
        )
    return occasions


def _plan(
    template: TemplateFacts,
    occasion: _Occasion,
    holder: CharacterFacts,
    world: WorldFacts,
    tick: int,
    rng: random.Random,
) -> QuestPlan | None:
    roles = dict(occasion.roles)
    roles["holder"] = (holder.name, None, holder.id)
    for role, (_, _, pool) in list(roles.items()):
        if isinstance(pool, tuple):  # someone to be drawn: never the holder
            choices = [cid for cid in pool if cid != holder.id and cid in world.characters]
            if not choices:
                roles[role] = ("", None, None)
                continue
            chosen = world.characters[rng.choice(choices)]
            roles[role] = (chosen.name, None, chosen.id)
    texts = {role: text for role, (text, _, _) in roles.items()}
    needed = _placeholders(template.title) | _placeholders(template.description)
    steps: list[StepPlan] = []
    for order, step in enumerate(template.steps, start=1):
        needed |= _placeholders(step.get("objective", ""))
        target = step.get("target")
        _, location_id, character_id = roles.get(target, ("", None, None))
        kind = step["type"]
        if kind == "reach_location" and location_id is None:
            return None
        if kind == "talk_to" and character_id is None:
            return None
        steps.append(
            StepPlan(
                order=order,
                objective_type=kind,
                objective=_render(step.get("objective", ""), texts)[:300],
                target_location_id=location_id if kind == "reach_location" else None,
                target_character_id=character_id if kind == "talk_to" else None,
                wait_ticks=step.get("ticks") if kind == "wait" else None,
                event_type=step.get("event_type", "") if kind == "witness_event" else "",
            )
        )
    if any(not texts.get(role) for role in needed):
        return None  # the occasion lacks something the text speaks of
    rewards: dict = {}
    if occasion.standing_to and template.reward_standing:
        rewards["standing"] = {occasion.standing_to: template.reward_standing}
    if occasion.standing_to and template.failure_standing:
        rewards["failure_standing"] = {occasion.standing_to: template.failure_standing}
    if occasion.discover:
        rewards["discover"] = [occasion.discover]
    return QuestPlan(
        template_id=template.id,
        origin_key=occasion.key,
        title=_render(template.title, texts)[:160],
        description=_render(template.description, texts),
        holder_id=holder.id,
        giver_id=holder.id,  # the one who needs it done offers it to players too
        faction_id=occasion.faction_id if occasion.faction_id is not None else holder.faction_id,
        steps=tuple(steps),
        rewards=rewards,
        deadline_tick=tick + template.time_limit_ticks if template.time_limit_ticks else None,
        follows_id=occasion.follows_id,
    )


def _render(text: str, roles: Mapping[str, str]) -> str:
    return (text or "").format_map(roles)
