"""Reactions: what a character does about what it perceives (pure, no ORM).

`reactions(perception)` turns the surroundings `perception.py` loaded into pulls on actions,
each with its target and reason; `decision.decide` adds the strongest pull per action to its
score and, if that action wins, follows the pull's target.

| what it sees                                              | reaction                              |
| --------------------------------------------------------- | ------------------------------------- |
| many recent events at a neighbouring place (a commotion)  | go and see (move there)               |
| a clash here (a *_CONFRONTED) touching a friend           | join it: confront the friend's foe    |
| a clash here touching no friend                           | flee to the quietest exit             |
| a friend here in sorrow (melancholy, sadness, ...)        | comfort them (talk), or give a thing  |
| a rival here (its faction opposed to one's own)           | heated: confront them; else avoid     |
| a friend who just arrived, not spoken with lately         | greet them (talk)                     |
| a friend here, and a small thing of one's own in hand     | (the agreeable) give it as a gift     |
| someone here it does not know yet (no rival)              | (the sociable) introduce oneself      |

"Friend" and "rival" are `is_friend` / `is_rival`: today faction membership and faction
standing; a per-pair opinion (relationships) can replace them without touching the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from htrae.vocabulary import EventType, Mood
from world.autonomy.state import Neighbour, Perception

MOVE, TALK, GIVE, CONFRONT = "move", "talk", "give", "confront"

COMMOTION_EVENTS = 8  # recent stirring events at a neighbouring place that make a commotion
RIVAL_STANDING = -40  # a faction standing at or below this makes the other's members rivals
SORROW_MOODS = frozenset({Mood.MELANCHOLY})
HEATED_MOODS = Mood.HEATED

# How strongly each reaction pulls (added to the action's score; a full-weight quest pulls 0.6).
PULL = {
    "commotion": 0.3,
    "join_clash": 0.45,
    "flee_clash": 0.5,
    "comfort": 0.45,
    "avoid_rival": 0.3,
    "confront_rival": 0.25,
    "greet": 0.4,
    "gift": 0.2,
    "introduce": 0.3,
}
# Below this familiarity someone is a stranger (the acquaintance threshold's default,
# RELATIONSHIP_ACQUAINTED_FAMILIARITY): one not yet met, or met only in passing.
STRANGER_FAMILIARITY = 0.1
INTRODUCES = "introduces themself to"  # the reason an introduction is given (the line follows it)


@dataclass(frozen=True)
class Reaction:
    action: str
    pull: float
    reason: str
    target_id: int | None = None
    detail: str = ""
    object_id: int | None = None  # the thing given, for a give
    goal_id: int | None = None  # the goal it serves (a heading's), if one


# What one character thinks of another (its `regard`, from the relationships app) decides
# first; where it has no strong opinion, faction lines do.
FRIEND_AFFINITY = 0.3  # liking from which someone is a friend, whatever their banner
RIVAL_AFFINITY = -0.3  # disliking from which someone is a rival, even under the same banner


def is_friend(perception: Perception, other: Neighbour) -> bool:
    """Whom the character counts as a friend: someone it likes; else, unless it dislikes
    them, Spectra or a member of its own faction."""
    me = perception.me
    affinity = me.regard_of(other.id).affinity
    if affinity >= FRIEND_AFFINITY or affinity <= RIVAL_AFFINITY:
        return affinity >= FRIEND_AFFINITY
    return other.kind == "spectra" or (me.faction_id is not None and other.faction_id == me.faction_id)


def is_rival(perception: Perception, other: Neighbour) -> bool:
    """Whom it counts as a rival: someone it dislikes; else, unless it likes them, a member
    of a faction its own stands opposed to."""
    affinity = perception.me.regard_of(other.id).affinity
    if affinity >= FRIEND_AFFINITY or affinity <= RIVAL_AFFINITY:
        return affinity <= RIVAL_AFFINITY
    if perception.me.faction_id is None or other.faction_id is None or other.faction_id == perception.me.faction_id:
        return False
    return perception.standings.get(other.faction_id, 0) <= RIVAL_STANDING


def is_stranger(perception: Perception, other: Neighbour) -> bool:
    """Someone it does not know and has nothing against (one it dislikes, by hearsay or a
    passing encounter, it does not seek to meet)."""
    regard = perception.me.regard_of(other.id)
    return regard.familiarity < STRANGER_FAMILIARITY and regard.affinity >= 0


def reactions(perception: Perception) -> list[Reaction]:
    """Every reaction the surroundings call for, in a fixed order (the decision keeps the
    strongest per action; among equals the first)."""
    found: list[Reaction] = []
    me = perception.me
    agreeable, nervous = me.trait("agreeableness"), me.trait("neuroticism")
    others = {other.id: other for other in perception.others_here}

    quietest = min(
        perception.exits, key=lambda e: (perception.nearby_activity.get(e.location_id, 0), e.location_id), default=None
    )

    clash = next(
        (event for event in perception.recent_events if event.type in EventType.CLASHES and event.actor_id != me.id),
        None,
    )
    if clash is not None:
        sides = [others.get(clash.actor_id), others.get(clash.target_id)]
        friend = next((side for side in sides if side is not None and is_friend(perception, side)), None)
        foe = next((side for side in sides if side is not None and side is not friend), None)
        if friend is not None and foe is not None and clash.target_id != me.id:
            found.append(
                Reaction(CONFRONT, PULL["join_clash"] * (1.5 - agreeable), "joins the clash", foe.id, foe.name)
            )
        elif quietest is not None:
            found.append(
                Reaction(
                    MOVE, PULL["flee_clash"] * (0.5 + nervous), "flees a clash", quietest.location_id, quietest.name
                )
            )

    if perception.exits:
        here_count = len(perception.recent_events)
        busiest = max(
            perception.exits, key=lambda e: (perception.nearby_activity.get(e.location_id, 0), -e.location_id)
        )
        busy = perception.nearby_activity.get(busiest.location_id, 0)
        if busy >= COMMOTION_EVENTS and busy >= 2 * here_count:
            pull = PULL["commotion"] * (0.5 + me.trait("openness"))
            found.append(Reaction(MOVE, pull, f"a commotion at {busiest.name}", busiest.location_id, busiest.name))

    gift = next((thing for thing in me.carried if thing.owner_id in (None, me.id) and thing.value <= 3), None)
    for other in perception.others_here:
        if other.kind == "player":
            continue
        if gift is not None and is_friend(perception, other) and agreeable > 0.6:
            pull = PULL["gift"] * agreeable
            found.append(Reaction(GIVE, pull, f"a small gift for {other.name}", other.id, other.name, gift.id))
        if is_friend(perception, other) and other.mood in SORROW_MOODS:
            found.append(Reaction(TALK, PULL["comfort"] * (0.5 + agreeable), "comforts a friend", other.id, other.name))
            if gift is not None:
                found.append(
                    Reaction(
                        GIVE, PULL["comfort"] * agreeable, "a gift to lift a friend", other.id, other.name, gift.id
                    )
                )
        elif is_rival(perception, other):
            if me.mood in HEATED_MOODS:
                pull = PULL["confront_rival"] * (1.5 - agreeable)
                found.append(Reaction(CONFRONT, pull, "confronts a rival", other.id, other.name))
            elif quietest is not None:
                pull = PULL["avoid_rival"] * (0.5 + nervous)
                found.append(Reaction(MOVE, pull, f"avoids {other.name}", quietest.location_id, quietest.name))

    # Someone here it does not know: the sociable introduce themselves (not in the middle of
    # a clash), the way a small town comes to know itself (Generative Agents' agents met the
    # town within two days).
    stranger = (
        None
        if clash is not None
        else next(
            (
                other
                for other in perception.others_here
                if other.kind != "player" and is_stranger(perception, other) and not is_rival(perception, other)
            ),
            None,
        )
    )
    if stranger is not None:
        pull = PULL["introduce"] * (0.5 + me.trait("extraversion"))
        found.append(Reaction(TALK, pull, f"{INTRODUCES} {stranger.name}", stranger.id, stranger.name))

    greeted = greeting_candidates(perception)
    for other in perception.others_here:
        if other.id in greeted and other.id not in perception.talked_recently:
            pull = PULL["greet"] * (0.5 + me.trait("extraversion"))
            found.append(Reaction(TALK, pull, f"greets {other.name}", other.id, other.name))
    return found


def greeting_candidates(perception: Perception) -> frozenset[int]:
    """The friends here who just arrived: each is greeted unless spoken with lately
    (`perception.talked_recently`), which is loaded for these pairs only."""
    arrived = {event.actor_id for event in perception.recent_events if event.type in EventType.ARRIVALS}
    if not arrived:
        return frozenset()
    return frozenset(
        other.id for other in perception.others_here if other.id in arrived and is_friend(perception, other)
    )
