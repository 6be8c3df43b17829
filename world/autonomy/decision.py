"""The decision engine: a pure function from what a character perceives, its personality,
goals, needs and mood to a scored choice among actions.

Randomness comes only from the generator passed in, seeded by world seed, tick and character
id (`rng_for`), so the same world state and seed give the same decisions.
"""

from __future__ import annotations

import random

from world.autonomy.state import CharacterState, Decision, Neighbour, Perception

MOVE, TALK, EXPLORE, REST, CREATE, PURSUE_GOAL = "move", "talk", "explore", "rest", "create", "pursue_goal"
ACTIONS = (MOVE, TALK, EXPLORE, REST, CREATE, PURSUE_GOAL)

# How much chance plays in each choice; 0 would make every character a clockwork.
NOISE = 0.55
PLAYER_PULL = 0.35  # how much a player's presence holds a character's attention
INTENT_PULL = 0.6  # how much a full-weight intention (a quest step) draws its action

# Moods that lean a character toward some actions (the emotion core will refine these).
MOOD_LEANINGS: dict[str, dict[str, float]] = {
    "joy": {TALK: 0.2, CREATE: 0.15},
    "curiosity": {EXPLORE: 0.25, MOVE: 0.15},
    "melancholy": {REST: 0.2, TALK: -0.1, CREATE: 0.1},
    "unease": {MOVE: 0.2, TALK: -0.1},
    "intensity": {PURSUE_GOAL: 0.25, MOVE: 0.1},
    "wonder": {EXPLORE: 0.2, CREATE: 0.2},
    "calm": {REST: 0.05, PURSUE_GOAL: 0.05},
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
        scores[PURSUE_GOAL] = conscientiousness * 0.6 + 0.2
    if any(other.kind == "player" for other in perception.others_here):
        # A player is here: stay a while and talk, rather than wander off.
        scores[TALK] = scores.get(TALK, 0.0) + PLAYER_PULL
        if MOVE in scores:
            scores[MOVE] -= PLAYER_PULL
    for action, lean in MOOD_LEANINGS.get(me.mood, {}).items():
        if action in scores:
            scores[action] += lean
    _lean_by_relationships(scores, perception)
    heading = perception.heading
    if heading is not None:
        pull = INTENT_PULL * heading.weight
        if heading.next_location_id is not None and MOVE in scores:
            scores[MOVE] += pull
        if heading.partner_id is not None and any(o.id == heading.partner_id for o in perception.others_here):
            scores[TALK] = scores.get(TALK, 0.0) + pull
        if heading.object_id is not None:
            scores[EXPLORE] += pull
    return scores


# --- Relationships: whom a character seeks and whom it avoids (seeking a friend who is
# elsewhere is an intention, `relationships.intentions`; these are the terms at the place).
RIVAL_AFFINITY = -0.3  # disliking from which someone's presence pushes a character away
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
    headed = _headed_target(action, perception)
    if headed is not None:
        target_id, detail = headed
        return Decision(action, scores, target_id, detail, purpose=perception.heading.reason)
    target_id, detail = _target(action, perception, rng)
    return Decision(action=action, scores=scores, target_id=target_id, detail=detail)


def _headed_target(action: str, perception: Perception) -> tuple[int, str] | None:
    """The target the character's heading gives this action, if it gives one."""
    heading = perception.heading
    if heading is None:
        return None
    if action == MOVE and heading.next_location_id is not None:
        return heading.next_location_id, heading.next_location_name
    if action == TALK and heading.partner_id is not None:
        partner = next((o for o in perception.others_here if o.id == heading.partner_id), None)
        return (partner.id, partner.name) if partner else None
    if action == EXPLORE and heading.object_id is not None:
        thing = next((o for o in perception.objects_here if o.id == heading.object_id), None)
        return (thing.id, thing.name) if thing else None
    return None


def _target(action: str, perception: Perception, rng: random.Random) -> tuple[int | None, str]:
    me = perception.me
    if action == MOVE:
        weights = [1.0 / exit.travel_cost for exit in perception.exits]
        chosen = rng.choices(perception.exits, weights=weights, k=1)[0]
        return chosen.location_id, chosen.name
    if action == TALK:
        weights = [partner_weight(me, other) for other in perception.others_here]
        partner = rng.choices(perception.others_here, weights=weights, k=1)[0]
        return partner.id, partner.name
    if action == EXPLORE and perception.objects_here:
        seen = rng.choice(perception.objects_here)
        return seen.id, seen.name
    if action == CREATE:
        return None, rng.choice(CREATIONS)
    if action == PURSUE_GOAL:  # goals are listed most important first
        weights = [len(me.goals) - index for index in range(len(me.goals))]
        return None, rng.choices(me.goals, weights=weights, k=1)[0]
    return None, ""
