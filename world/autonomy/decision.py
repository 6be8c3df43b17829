"""The decision engine: a pure function from what a character perceives, its personality,
goals, needs and mood to a scored choice among actions.

Randomness comes only from the generator passed in, seeded by world seed, tick and character
id (`rng_for`), so the same world state and seed give the same decisions.
"""

from __future__ import annotations

import random

from world.autonomy.reactions import CONFRONT, GIVE, RIVAL_AFFINITY, Reaction, reactions
from world.autonomy.state import CharacterState, Decision, Neighbour, ObjectSeen, Perception

MOVE, TALK, EXPLORE, REST, CREATE, PURSUE_GOAL = "move", "talk", "explore", "rest", "create", "pursue_goal"
TAKE, USE, DROP = "take", "use", "drop"
ACTIONS = (MOVE, TALK, EXPLORE, REST, CREATE, PURSUE_GOAL, TAKE, GIVE, USE, DROP, CONFRONT)

# How much chance plays in each choice; 0 would make every character a clockwork.
NOISE = 0.55
PLAYER_PULL = 0.35  # how much a player's presence holds a character's attention
INTENT_PULL = 0.6  # how much a full-weight intention (a quest step) draws its action
# Home in the hours of its sleep, a character sleeps: this outweighs the chatter of those it
# lives with (talk rarely scores past 1.7, chance and a greeting included). Pulled like any
# intention (0.3), sleep lost to talk most of the night: the town was up and chatting till dawn.
SLEEP_PULL = 1.5
CARRY_LIMIT = 3  # things a character carries before it would rather put one down
# What a heading asks for once its character has arrived, by its verb (routine activities too).
ARRIVED_ACTION = {"visit": PURSUE_GOAL, "take": TAKE, "use": USE, "give": GIVE, "talk": TALK, "sleep": REST}
GATHERING_ACTIVITIES = frozenset({"eat", "gather"})

# Moods that lean a character toward some actions (the emotion core will refine these).
MOOD_LEANINGS: dict[str, dict[str, float]] = {
    "joy": {TALK: 0.2, CREATE: 0.15},
    "curiosity": {EXPLORE: 0.25, MOVE: 0.15},
    "melancholy": {REST: 0.2, TALK: -0.1, CREATE: 0.1},
    "unease": {MOVE: 0.2, TALK: -0.1},
    "intensity": {PURSUE_GOAL: 0.25, MOVE: 0.1},
    "wonder": {EXPLORE: 0.2, CREATE: 0.2},
    "calm": {REST: 0.05, PURSUE_GOAL: 0.05},
    "warmth": {TALK: 0.15, GIVE: 0.1},
    "anger": {PURSUE_GOAL: 0.15, TALK: -0.15, MOVE: 0.1},
    "aloofness": {REST: 0.1, TALK: -0.2, PURSUE_GOAL: 0.1},
    "contentment": {REST: 0.15, TALK: 0.1},
}

CREATIONS = (
    "a charcoal sketch",
    "a short song",
    "a knot-work charm",
    "a verse about the light",
    "a little clay figure",
    "a map of the paths",
    "a lantern from folded paper",
    "a tune on a reed pipe",
)


def rng_for(*, seed: int, tick: int, character_id: int) -> random.Random:
    """The random generator for one character's decision in one tick."""
    return random.Random(f"{seed}:{tick}:{character_id}")


def score_actions(perception: Perception) -> dict[str, float]:
    """Each possible action's appeal before chance; impossible actions are absent."""
    me = perception.me
    energy = max(0.0, min(1.0, me.energy / 100.0))
    social, rest, curiosity = me.need("social"), me.need("rest"), me.need("curiosity")
    openness, conscientiousness = me.trait("openness"), me.trait("conscientiousness")
    extraversion = me.trait("extraversion")
    night = perception.hour < 5 or perception.hour >= 22

    scores = {
        REST: (1.0 - energy) * 1.5 + rest * 0.8 - 0.25 + (0.45 if night else 0.0),
        EXPLORE: curiosity * 0.7 + openness * 0.3 + (0.1 if perception.objects_here else 0.0),
        CREATE: openness * 0.45 + conscientiousness * 0.25 - 0.1,
    }
    if perception.others_here:
        scores[TALK] = social * 0.9 + extraversion * 0.5
    if perception.exits and energy > 0.1:
        lonely = 0.35 if not perception.others_here else 0.0
        scores[MOVE] = (curiosity * 0.6 + openness * 0.4 + lonely) * (0.4 + energy)
    if me.goals:
        # Working on a goal anywhere at all; where the goal is served its heading pulls harder.
        scores[PURSUE_GOAL] = conscientiousness * 0.35 + 0.05
    if any(other.kind == "player" for other in perception.others_here):
        # A player is here: stay a while and talk, rather than wander off.
        scores[TALK] = scores.get(TALK, 0.0) + PLAYER_PULL
        if MOVE in scores:
            scores[MOVE] -= PLAYER_PULL
    for action, lean in MOOD_LEANINGS.get(me.mood, {}).items():
        if action in scores:
            scores[action] += lean
    scores.update(_object_scores(perception))
    _lean_by_relationships(scores, perception)
    heading = perception.heading
    if heading is not None and heading.arrived and MOVE in scores:
        scores[MOVE] -= INTENT_PULL * heading.weight  # where it means to be: it stays
    for action, pull in _strongest_pulls(perception).items():
        if action in scores or action in (TAKE, USE, GIVE, CONFRONT, PURSUE_GOAL, TALK):
            scores[action] = scores.get(action, 0.0) + pull.pull
    return scores


def _takeable(perception: Perception, thing: ObjectSeen) -> bool:
    return not thing.fixed and len(perception.me.carried) < CARRY_LIMIT


def _object_scores(perception: Perception) -> dict[str, float]:
    """The appeal of handling things, before any goal or reaction asks for it. Another's
    valued thing tempts only the disagreeable."""
    me = perception.me
    curiosity, agreeable = me.need("curiosity"), me.trait("agreeableness")
    scores: dict[str, float] = {}
    best_take = None
    for thing in perception.objects_here:
        if not _takeable(perception, thing):
            continue
        if thing.owner_id in (None, me.id):
            appeal = curiosity * 0.3 + me.trait("openness") * 0.15 + thing.value * 0.02 - 0.2
        else:
            appeal = (0.3 - agreeable) + thing.value * 0.04 - 0.1
        best_take = appeal if best_take is None else max(best_take, appeal)
    if best_take is not None:
        scores[TAKE] = best_take
    usable = [*me.carried, *(thing for thing in perception.objects_here if thing.soothing or thing.on_use)]
    if usable:
        soothing = any(thing.soothing for thing in usable) and me.mood in ("melancholy", "unease", "sadness")
        working = any(thing.on_use for thing in me.carried)  # a thing in hand that does something
        scores[USE] = curiosity * 0.25 + me.trait("openness") * 0.15 - 0.05 + (0.3 if soothing else 0.0)
        scores[USE] += 0.2 if working else 0.0
    if me.carried:
        scores[DROP] = 0.25 * (len(me.carried) - CARRY_LIMIT + 1) - 0.1
        if any(thing.owner_id not in (None, me.id) for thing in me.carried):
            scores[DROP] = max(scores[DROP], agreeable * 0.4 - 0.05)  # another's thing weighs on the kind
        owners = {thing.owner_id for thing in me.carried if thing.owner_id not in (None, me.id)}
        if any(other.id in owners for other in perception.others_here):
            scores[GIVE] = agreeable * 0.6  # give it back to its owner
    return scores


def _heading_pull(perception: Perception) -> Reaction | None:
    """What the character's heading asks of it this tick, as a pull with a target."""
    heading = perception.heading
    if heading is None:
        return None
    pull = INTENT_PULL * heading.weight
    goal = heading.goal_id
    if not heading.arrived:
        if perception.exits:
            return Reaction(
                MOVE, pull, heading.reason, heading.next_location_id, heading.next_location_name, goal_id=goal
            )
        return None
    action = ARRIVED_ACTION.get(heading.verb)
    partner = next((o for o in perception.others_here if o.id == heading.partner_id), None)
    if heading.verb in GATHERING_ACTIVITIES and perception.others_here:
        return None  # company is here: the talk score and reactions do the rest
    if action is None:  # a plain errand: find someone, look at something
        if partner is not None:
            return Reaction(TALK, pull, heading.reason, partner.id, partner.name)
        thing = _object_named(perception, heading.object_id)
        if thing is not None:
            return Reaction(EXPLORE, pull, heading.reason, thing.id, thing.name)
        return None
    if action in (TALK, GIVE):
        if partner is None or (action == GIVE and not perception.me.carries(heading.object_id)):
            return None
        return Reaction(action, pull, heading.reason, partner.id, partner.name, heading.object_id, goal)
    if action in (TAKE, USE):
        thing = _object_named(perception, heading.object_id)
        if thing is None or (action == TAKE and perception.me.carries(thing.id)):
            return None
        return Reaction(action, pull, heading.reason, thing.id, thing.name, goal_id=goal)
    if heading.verb == "sleep":
        pull = max(pull, SLEEP_PULL)
    return Reaction(action, pull, heading.reason, goal_id=goal)


def _object_named(perception: Perception, object_id: int | None) -> ObjectSeen | None:
    if object_id is None:
        return None
    within_reach = (*perception.me.carried, *perception.objects_here, *perception.held_for_me)
    return next((t for t in within_reach if t.id == object_id), None)


def _strongest_pulls(perception: Perception) -> dict[str, Reaction]:
    """The strongest pull on each action, from the heading and the reactions (the heading
    first among equals)."""
    strongest: dict[str, Reaction] = {}
    headed = _heading_pull(perception)
    for pull in ([headed] if headed else []) + reactions(perception):
        if pull.action not in strongest or pull.pull > strongest[pull.action].pull:
            strongest[pull.action] = pull
    return strongest


# --- Relationships: whom a character seeks and whom it avoids (seeking a friend who is
# elsewhere is an intention, `relationships.intentions`; these are the terms at the place).
AVOID_PULL = 0.6  # how hard the worst rival present pushes toward leaving (at affinity -1)


def partner_weight(me: CharacterState, other: Neighbour) -> float:
    """How much `me` would rather talk to `other`: own faction and Spectra count double; then
    liking and knowing someone draw, disliking repels."""
    base = 2.0 if (other.kind == "spectra" or (me.faction_id and other.faction_id == me.faction_id)) else 1.0
    regard = me.regard_of(other.id)
    return max(0.05, base * (1.0 + regard.affinity + 0.5 * regard.familiarity))


def rival_push(perception: Perception) -> float:
    """How strongly the most disliked one present pushes `me` away (0 without a rival)."""
    worst = min((perception.me.regard_of(other.id).affinity for other in perception.others_here), default=0.0)
    return AVOID_PULL * -worst if worst <= RIVAL_AFFINITY else 0.0


def _lean_by_relationships(scores: dict[str, float], perception: Perception) -> None:
    """A rival here: leave rather than stay and talk."""
    push = rival_push(perception)
    if push and MOVE in scores:
        scores[MOVE] += push
    if push and TALK in scores:
        scores[TALK] -= push / 2


def decide(perception: Perception, *, rng: random.Random) -> Decision:
    """Choose what the character does this tick."""
    base = score_actions(perception)
    # Draw noise in a fixed order so the same generator gives the same choice.
    scores = {action: round(base[action] + rng.uniform(0.0, NOISE), 4) for action in ACTIONS if action in base}
    action = max(scores, key=lambda name: (scores[name], name))
    pull = _strongest_pulls(perception).get(action)
    if pull is not None and (pull.target_id is not None or action in (PURSUE_GOAL, REST)):
        detail = pull.reason if action == PURSUE_GOAL else pull.detail
        return Decision(action, scores, pull.target_id, detail, pull.reason, pull.object_id, pull.goal_id)
    target_id, detail, object_id = _target(action, perception, rng)
    return Decision(action=action, scores=scores, target_id=target_id, detail=detail, object_id=object_id)


def _target(action: str, perception: Perception, rng: random.Random) -> tuple[int | None, str, int | None]:
    """The target of an action no pull chose: (target id, its name or the detail, object given)."""
    me = perception.me
    if action == MOVE:
        weights = [1.0 / exit.travel_cost for exit in perception.exits]
        chosen = rng.choices(perception.exits, weights=weights, k=1)[0]
        return chosen.location_id, chosen.name, None
    if action == TALK:
        weights = [partner_weight(me, other) for other in perception.others_here]
        partner = rng.choices(perception.others_here, weights=weights, k=1)[0]
        return partner.id, partner.name, None
    if action == EXPLORE and perception.objects_here:
        seen = rng.choice(perception.objects_here)
        return seen.id, seen.name, None
    if action == CREATE:
        return None, rng.choice(CREATIONS), None
    if action == PURSUE_GOAL:  # goals are listed most important first
        weights = [len(me.goals) - index for index in range(len(me.goals))]
        return None, rng.choices(me.goals, weights=weights, k=1)[0], None
    if action == TAKE:
        choices = [thing for thing in perception.objects_here if _takeable(perception, thing)]
        thing = max(choices, key=lambda t: (t.owner_id in (None, me.id), t.value, -t.id))
        return thing.id, thing.name, None
    if action == USE:
        usable = [*me.carried, *(t for t in perception.objects_here if t.soothing or t.on_use)]
        thing = rng.choice(usable)
        return thing.id, thing.name, None
    if action == DROP:  # another's thing first, then the least valued
        thing = min(me.carried, key=lambda t: (t.owner_id in (None, me.id), t.value, t.id))
        return thing.id, thing.name, None
    if action == GIVE:  # back to its owner
        for thing in me.carried:
            owner = next((o for o in perception.others_here if o.id == thing.owner_id), None)
            if owner is not None and owner.id != me.id:
                return owner.id, owner.name, thing.id
    return None, "", None
