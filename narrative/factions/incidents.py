"""How what members of one faction do to or before members of another moves how the factions
regard each other: pure functions over plain facts, no ORM (`narrative.factions.services`
loads the facts and writes the modifiers).

**Incidents.** Each tick, what members of one faction did to or before members of another
becomes *incidents*, each a short-lived opinion modifier (see `narrative.factions.relations`):

| incident  | when                                                 | who warms or cools, toward whom | per deed | cap |
| --------- | ---------------------------------------------------- | ------------------------------- | -------- | --- |
| gift      | a member makes something (NPC_/SPECTRA_CREATED)      | each faction present, toward    | +2       | +4  |
|           | where members of other factions are                  | the maker's                     |          |     |
| kind word | a member speaks to a member of another faction       | the listener's, toward the      | +2       | +6  |
|           | (NPC_/SPECTRA_TALKED with `listener_id`) in a warm   | speaker's                       |          |     |
|           | mood (joy, wonder, warmth)                           |                                 |          |     |
| clash     | the same in a heated mood (intensity, unease), when  | both, toward each other         | -4       | -12 |
|           | the speaker's faction already regards the listener's |                                 |          |     |
|           | as neutral or worse; or a member confronts a member  |                                 |          |     |
|           | of such a faction (NPC_/SPECTRA_CONFRONTED)          |                                 |          |     |
| trade     | a member hands a thing to a member of another        | both, toward each other         | +3       | +6  |
|           | faction (*_GAVE_OBJECT with `receiver_id`)           |                                 |          |     |
| theft     | a member takes a thing another faction's member owns | the owner's, toward the thief's | -5       | -10 |
|           | (*_TOOK_OBJECT, `stolen`)                            |                                 |          |     |
| betrayal  | a theft from, or a confrontation of, a member of a   | the wronged one's, toward the   | -8       | -16 |
|           | faction that regards the wrongdoer's as friendly or  | wrongdoer's (instead of a theft |          |     |
|           | allied                                               | or a clash)                     |          |     |

(The cap is per tick.) The mood is the one the speaker spoke in (the tick-start mood). A
calm, curious or melancholy word moves nothing (most talk is small talk); nor do heated words
between friends. But a quarrel picked with a friend's member, or a thing stolen from one, is
a betrayal, and costs more than the same wrong between strangers: trust broken. "Present" is
who stands at the place as the tick ends.

All deeds of one kind between one directed pair in a tick add up into a single modifier
(capped as above) lasting `INCIDENT_DURATION_TICKS` (60) and losing `INCIDENT_DECAY` (3 %) of
its value per tick (a half-life of about 23 ticks), so a relation remembers the last day or two
of deeds rather than all of them. Everyday deeds reach only so far: they add nothing that would carry a
standing more than `INCIDENT_SWING` (30) points from its designer-set base (enough to make neutral
factions friendly or wary, not to make allies of enemies: that is for designers and quests),
so a busy world's relations settle instead of running to the ends of the scale.

Everything here is deterministic and independent of the order of the events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from htrae.vocabulary import EventType, Mood
from narrative.factions.relations import Stance, stance_for
from world.autonomy.conversation import follows_in_exchange

# --- Incidents: the table in the module docstring ----------------------------------------------

GIFT = "gift"
KIND_WORD = "kind_word"
TRADE = "trade"
CLASH = "clash"
THEFT = "theft"
BETRAYAL = "betrayal"
INCIDENT_KINDS = (GIFT, KIND_WORD, TRADE, CLASH, THEFT, BETRAYAL)  # also the order they apply in within a tick

INCIDENT_VALUE = {GIFT: 2, KIND_WORD: 2, TRADE: 3, CLASH: -4, THEFT: -5, BETRAYAL: -8}
INCIDENT_CAP = {GIFT: 4, KIND_WORD: 6, TRADE: 6, CLASH: -12, THEFT: -10, BETRAYAL: -16}
INCIDENT_LABEL = {
    GIFT: ("a gift", "gifts"),
    KIND_WORD: ("a kind word", "kind words"),
    TRADE: ("a trade", "trades"),
    CLASH: ("a clash", "clashes"),
    THEFT: ("a theft", "thefts"),
    BETRAYAL: ("a betrayal", "betrayals"),
}
INCIDENT_DURATION_TICKS = 60
INCIDENT_DECAY = 0.03
INCIDENT_SWING = 30

WARM_MOODS = Mood.WARM
HEATED_MOODS = Mood.HEATED
# The speaker's faction must already regard the listener's as one of these for heated words to clash.
# A wrong done to a member of a faction that regards the wrongdoer's as one of these is a betrayal.
TRUSTING_STANCES = frozenset({Stance.FRIENDLY, Stance.ALLIED})
CLASH_STANCES = frozenset({Stance.NEUTRAL, Stance.WARY, Stance.HOSTILE, Stance.AT_WAR})


# --- Incidents -----------------------------------------------------------------------------------


TALK, CREATE, GIVE, STEAL, CONFRONT = "talk", "create", "give", "steal", "confront"


@dataclass(frozen=True)
class Deed:
    """Something a character did this tick that other factions may take to heart."""

    kind: str  # TALK, CREATE, GIVE, STEAL or CONFRONT
    actor_id: int
    location_id: int | None
    # The one it was done to: spoken to, given a thing, robbed, confronted (not for CREATE).
    listener_id: int | None = None


@dataclass(frozen=True)
class Incident:
    """The tick's deeds of one kind, summed: how `faction_id` regards `other_id` moves by `value`."""

    faction_id: int
    other_id: int
    kind: str
    value: int
    deeds: int
    reason: str


def deed_from_event(*, type: str, actor_id: int | None, location_id: int | None, payload: Mapping) -> Deed | None:
    """The deed an event records, if it is one that can move relations."""
    if actor_id is None:
        return None
    if type in EventType.TALK:
        if follows_in_exchange(payload):  # an exchange is one kind word (or one quarrel), not six
            return None
        return _done_to(TALK, actor_id, location_id, payload.get("listener_id"))
    if type in EventType.CREATIONS and location_id is not None:
        return Deed(kind=CREATE, actor_id=actor_id, location_id=location_id)
    if type in EventType.OBJECT_GIVEN:
        return _done_to(GIVE, actor_id, location_id, payload.get("receiver_id"))
    if type in EventType.OBJECT_TAKEN and payload.get("stolen"):
        return _done_to(STEAL, actor_id, location_id, payload.get("owner_id"))
    if type in EventType.CLASHES:
        return _done_to(CONFRONT, actor_id, location_id, payload.get("target_id"))
    return None


def _done_to(kind: str, actor_id: int, location_id: int | None, other_id: object) -> Deed | None:
    if not isinstance(other_id, int) or other_id == actor_id:
        return None
    return Deed(kind=kind, actor_id=actor_id, location_id=location_id, listener_id=other_id)


def faction_incidents(
    *,
    deeds: Iterable[Deed],
    factions: Mapping[int, int | None],
    moods: Mapping[int, str],
    present: Mapping[int, Iterable[int]],
    standings: Mapping[tuple[int, int], int],
    bases: Mapping[tuple[int, int], int],
    place_names: Mapping[int, str],
) -> list[Incident]:
    """The tick's incidents (see the module docstring).

    `factions`: character id → faction id (None: none); `moods`: character id → the mood it
    acted in; `present`: location id → the factions with members there; `standings`:
    (faction, other) → current standing and `bases`: → the designers' base standing (a
    missing pair is a neutral 0); `place_names`: location id → name, for the reasons.
    """
    totals: dict[tuple[int, int, str], int] = defaultdict(int)
    counts: dict[tuple[int, int, str], int] = defaultdict(int)
    places: dict[tuple[int, int, str], set[str]] = defaultdict(set)

    def note(faction_id: int, other_id: int, kind: str, location_id: int | None) -> None:
        key = (faction_id, other_id, kind)
        totals[key] += INCIDENT_VALUE[kind]
        counts[key] += 1
        if location_id is not None and location_id in place_names:
            places[key].add(place_names[location_id])

    for deed in deeds:
        mine = factions.get(deed.actor_id)
        if mine is None:
            continue
        if deed.kind == CREATE:
            for theirs in set(present.get(deed.location_id, ())) - {mine}:
                note(theirs, mine, GIFT, deed.location_id)
            continue
        theirs = factions.get(deed.listener_id)
        if theirs is None or theirs == mine:
            continue
        place = deed.location_id
        if deed.kind == GIVE:
            note(theirs, mine, TRADE, place)
            note(mine, theirs, TRADE, place)
        elif deed.kind in (STEAL, CONFRONT) and stance_for(standings.get((theirs, mine), 0)) in TRUSTING_STANCES:
            note(theirs, mine, BETRAYAL, place)
        elif deed.kind == STEAL:
            note(theirs, mine, THEFT, place)
        elif deed.kind == CONFRONT and stance_for(standings.get((mine, theirs), 0)) in CLASH_STANCES:
            note(theirs, mine, CLASH, place)
            note(mine, theirs, CLASH, place)
        elif deed.kind == TALK:
            mood = moods.get(deed.actor_id)
            if mood in WARM_MOODS:
                note(theirs, mine, KIND_WORD, place)
            elif mood in HEATED_MOODS and stance_for(standings.get((mine, theirs), 0)) in CLASH_STANCES:
                note(theirs, mine, CLASH, place)
                note(mine, theirs, CLASH, place)

    incidents: list[Incident] = []
    running = dict(standings)  # each kind applied in turn, so together they respect the swing too
    for faction_id, other_id, kind in sorted(totals, key=lambda k: (k[0], k[1], INCIDENT_KINDS.index(k[2]))):
        key = (faction_id, other_id, kind)
        standing = running.get((faction_id, other_id), 0)
        base = bases.get((faction_id, other_id), 0)
        value = _within_swing(_capped(totals[key], INCIDENT_CAP[kind]), standing=standing, base=base)
        if value == 0:
            continue
        running[(faction_id, other_id)] = standing + value
        reason = incident_reason(kind=kind, deeds=counts[key], places=places[key])
        incidents.append(Incident(faction_id, other_id, kind, value, counts[key], reason))
    return incidents


def _capped(value: int, cap: int) -> int:
    return max(cap, value) if cap < 0 else min(cap, value)


def _within_swing(value: int, *, standing: int, base: int) -> int:
    """As much of `value` as keeps the standing within INCIDENT_SWING of its base (never
    reverses it: a standing already beyond gets nothing more that way)."""
    if value > 0:
        return max(0, min(value, base + INCIDENT_SWING - standing))
    return min(0, max(value, base - INCIDENT_SWING - standing))


def incident_reason(*, kind: str, deeds: int, places: Iterable[str]) -> str:
    """'a clash at the Glass Market', 'kind words at Mossgate and 2 other places'."""
    singular, plural = INCIDENT_LABEL[kind]
    label = singular if deeds == 1 else plural
    names = sorted(places)
    if not names:
        return label
    if len(names) == 1:
        return f"{label} at {names[0]}"
    others = len(names) - 1
    return f"{label} at {names[0]} and {others} other place{'s' if others > 1 else ''}"
