"""How opinions move and fade (pure: plain data in, plain data out).

- `faded`: an opinion as stored (at its last contact) seen at a later tick: affinity and trust
  halve toward neutral every `affinity_half_life` ticks without contact, familiarity every
  `familiarity_half_life` (acquaintances are forgotten more slowly than grudges).
- `event_contacts`: what the events of a tick (or of a player's action) do to the opinions of
  those they join, by the designers' `RelationshipRule`s: the doer about the one it was done
  to and back, with the speaker's mood setting the tone (warm or heated words).
- `near_contacts`: keeping company makes people familiar, a little every tick; a crowd is not
  company (strangers in a busy market stay strangers unless they talk), so the opinions a
  world holds grow with its talk, not with the people squared.
- `hearsay_contacts`: being told of someone makes them known a little, and the teller's
  liking for them colours the listener's (gossip: how people come to know of each other).
- `siding_contacts`: a wrong done before witnesses (a quarrel picked, a thing stolen) sours
  those who like the wronged one toward the wrongdoer: friends take sides, and one quarrel
  makes several rivals.
- `opinions_after`: the stored opinions after a set of contacts, for one bulk upsert.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from htrae.vocabulary import Mood
from world.autonomy.state import Regard

ACTOR, OTHER = "actor", "other"
ANY, WARM, HEATED = "any", "warm", "heated"
# The tone of what a character does in a mood (the mood it acted in, at tick start).
MOOD_TONES = {
    Mood.JOY: WARM,
    Mood.WONDER: WARM,
    Mood.CALM: WARM,
    Mood.CURIOSITY: WARM,
    Mood.WARMTH: WARM,
    Mood.CONTENTMENT: WARM,
    Mood.INTENSITY: HEATED,
    Mood.UNEASE: HEATED,
    Mood.ANGER: HEATED,
}
COMPANY = 12  # up to this many at a place keep company (a full tavern); more are a crowd


@dataclass(frozen=True)
class Rule:
    event_type: str
    role: str
    tone: str
    affinity: float = 0.0
    trust: float = 0.0
    familiarity: float = 0.0


@dataclass(frozen=True)
class Stored:
    """An opinion as stored: its values at `last_contact_tick`."""

    regard: Regard
    last_contact_tick: int


@dataclass(frozen=True)
class EventView:
    type: str
    actor_id: int | None
    payload: Mapping[str, Any]


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def faded(stored: Stored, *, tick: int, affinity_half_life: float, familiarity_half_life: float) -> Regard:
    """The opinion as it stands at `tick`, faded since the last contact."""
    regard = stored.regard
    return faded_values(
        regard.affinity,
        regard.trust,
        regard.familiarity,
        since=tick - stored.last_contact_tick,
        affinity_half_life=affinity_half_life,
        familiarity_half_life=familiarity_half_life,
    )


def faded_values(
    affinity: float,
    trust: float,
    familiarity: float,
    *,
    since: int,
    affinity_half_life: float,
    familiarity_half_life: float,
) -> Regard:
    """`faded` of an opinion given as its stored values, `since` ticks after its last contact
    (for reads of tens of thousands of opinions a tick: no `Stored` to build first)."""
    keep, known = fading(since, affinity_half_life, familiarity_half_life)
    return Regard(affinity=affinity * keep, trust=trust * keep, familiarity=familiarity * known)


@lru_cache(maxsize=4096)
def fading(since: int, affinity_half_life: float, familiarity_half_life: float) -> tuple[float, float]:
    """What is kept of affinity and trust, and of familiarity, `since` ticks without contact:
    all of it at the contact's own tick or before (a tick's opinions share a few hundred
    distinct ages: each worked out once)."""
    if since <= 0:
        return 1.0, 1.0
    return 0.5 ** (since / affinity_half_life), 0.5 ** (since / familiarity_half_life)


def acquainted(stored: Stored, *, tick: int, threshold: float, familiarity_half_life: float) -> bool:
    """Whether the holder knows the other: its familiarity reached `threshold` at a contact (a
    talk, being told of them, an hour and a half side by side) and has not since faded below
    half of it (a familiarity half-life without contact: forgotten). Compared with the faded
    value alone, someone heard of once would be a stranger again a tick later."""
    if stored.regard.familiarity < threshold:
        return False
    since = max(0, tick - stored.last_contact_tick)
    return stored.regard.familiarity * 0.5 ** (since / familiarity_half_life) >= threshold / 2


def other_party(event: EventView) -> int | None:
    """Whom the deed was done to: the listener of speech, the character turned to or
    confronted, the receiver of a gift, the owner of a thing stolen."""
    payload = event.payload
    listener = payload.get("listener_id")
    if isinstance(listener, int):
        return listener
    target = payload.get("target")
    if isinstance(target, dict) and target.get("type") == "character" and isinstance(target.get("id"), int):
        return target["id"]
    for key in ("target_id", "receiver_id"):
        if isinstance(payload.get(key), int):
            return payload[key]
    owner = payload.get("owner_id")
    return owner if payload.get("stolen") and isinstance(owner, int) else None


def wronged(event: EventView) -> int | None:
    """The one a wrong was done to, for the witnesses to side with: the one confronted, the
    owner of a thing stolen."""
    if event.type.endswith("_CONFRONTED") or (event.type.endswith("_TOOK_OBJECT") and event.payload.get("stolen")):
        return other_party(event)
    return None


def event_contacts(
    events: Iterable[EventView], rules: Iterable[Rule], *, moods: Mapping[int, str]
) -> dict[tuple[int, int], Regard]:
    """The summed changes (as a `Regard` of deltas) each directed pair gets from `events`."""
    index: dict[tuple[str, str, str], list[Rule]] = defaultdict(list)
    for rule in rules:
        index[(rule.event_type, rule.role, rule.tone)].append(rule)
    changes: dict[tuple[int, int], list[float]] = {}
    for event in events:
        actor, other = event.actor_id, other_party(event)
        if actor is None or other is None or actor == other:
            continue
        tone = MOOD_TONES.get(moods.get(actor, ""), "")
        for role, pair in ((ACTOR, (actor, other)), (OTHER, (other, actor))):
            for rule in index.get((event.type, role, ANY), []) + index.get((event.type, role, tone), []):
                total = changes.setdefault(pair, [0.0, 0.0, 0.0])
                total[0] += rule.affinity
                total[1] += rule.trust
                total[2] += rule.familiarity
    return {pair: Regard(*values) for pair, values in sorted(changes.items())}


def near_contacts(places: Mapping[int, list[int]], *, tick: int, familiarity: float) -> dict[tuple[int, int], Regard]:
    """Familiarity for keeping company this tick (`places`: place → character ids): everyone
    at a place of at most COMPANY people, with each of the others; nobody in a crowd."""
    changes: dict[tuple[int, int], Regard] = {}
    step = Regard(familiarity=familiarity)
    for _, present in sorted(places.items()):
        ids = sorted(present)
        if len(ids) > COMPANY:
            continue
        for me in ids:
            for other in ids:
                if other == me:
                    continue
                changes[(me, other)] = step
    return changes


def hearsay_contacts(events: Iterable[EventView], *, familiarity: float, sway: float) -> dict[tuple[int, int], Regard]:
    """The listener's opinion of whoever the talk was about (`about_id`): familiarity, and
    `sway` times the teller's affinity for them (`about_affinity`)."""
    changes: dict[tuple[int, int], list[float]] = {}
    for event in events:
        about, listener = event.payload.get("about_id"), other_party(event)
        if not isinstance(about, int) or listener is None or about in (listener, event.actor_id):
            continue
        told = float(event.payload.get("about_affinity") or 0.0)
        total = changes.setdefault((listener, about), [0.0, 0.0, 0.0])
        total[0] += sway * told
        total[2] += familiarity
    return {pair: Regard(*values) for pair, values in sorted(changes.items())}


def siding_contacts(
    events: Iterable[EventView],
    witnesses: Mapping[int, Iterable[int]],
    liking: Mapping[tuple[int, int], float],
    *,
    sway: float,
    threshold: float,
) -> dict[tuple[int, int], Regard]:
    """Each witness's opinion of a wrongdoer, for a wrong done where it stood (`witnesses`:
    event index → who was at the event's place): `sway` times its liking for the wronged
    one (`liking`: (witness, wronged) → affinity), taken from its affinity and trust, when
    that liking is at least `threshold`. Those indifferent to the wronged one stay so."""
    changes: dict[tuple[int, int], list[float]] = {}
    for index, event in enumerate(events):
        victim, doer = wronged(event), event.actor_id
        if victim is None or doer is None:
            continue
        for witness in sorted(witnesses.get(index, ())):
            if witness in (victim, doer):
                continue
            fondness = liking.get((witness, victim), 0.0)
            if fondness < threshold:
                continue
            total = changes.setdefault((witness, doer), [0.0, 0.0, 0.0])
            total[0] -= sway * fondness
            total[1] -= sway * fondness / 2
    return {pair: Regard(*values) for pair, values in sorted(changes.items())}


def combined(*contact_sets: Mapping[tuple[int, int], Regard]) -> dict[tuple[int, int], Regard]:
    """Several sets of changes added up per pair, in pair order."""
    total: dict[tuple[int, int], list[float]] = {}
    for contacts in contact_sets:
        for pair, change in contacts.items():
            sums = total.setdefault(pair, [0.0, 0.0, 0.0])
            sums[0] += change.affinity
            sums[1] += change.trust
            sums[2] += change.familiarity
    return {pair: Regard(*sums) for pair, sums in sorted(total.items())}


def moved(current: Regard, change: Regard) -> Regard:
    """An opinion after a change: affinity and trust move less near their ends; familiarity
    grows toward 1 and is never lost by a contact."""

    def step(value: float, delta: float) -> float:
        room = 1.0 - abs(value) if (delta > 0) == (value > 0) else 1.0
        return _clamp(value + delta * room, -1.0, 1.0)

    return Regard(
        affinity=round(step(current.affinity, change.affinity), 4),
        trust=round(step(current.trust, change.trust), 4),
        familiarity=round(
            _clamp(current.familiarity + max(0.0, change.familiarity) * (1 - current.familiarity), 0, 1), 4
        ),
    )


def opinions_after(
    stored: Mapping[tuple[int, int], Stored],
    changes: Mapping[tuple[int, int], Regard],
    *,
    tick: int,
    affinity_half_life: float,
    familiarity_half_life: float,
) -> list[tuple[int, int, Regard]]:
    """Each changed pair's new opinion (faded to `tick`, then moved), in pair order."""
    result = []
    for pair, change in sorted(changes.items()):
        current = stored.get(pair)
        now = (
            faded(
                current, tick=tick, affinity_half_life=affinity_half_life, familiarity_half_life=familiarity_half_life
            )
            if current
            else Regard()
        )
        result.append((pair[0], pair[1], moved(now, change)))
    return result
