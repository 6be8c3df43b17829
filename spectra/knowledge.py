"""What a speaker knows when a player talks to them (pure data, no ORM): the places and the
roads between them, the people, the factions and how the speaker's own regards each, the lore
it has heard (secrets only if it is in on them), the quests it gives and the player's own,
and the speaker's feelings. `spectra.dialogue_selectors.speaker_knowledge_get` reads it in a
constant number of queries; the offline composer (`spectra.answers`) and the model's prompt
(`spectra.dialogue.system_prompt`) answer from it.

Also the one pure helper the answers need of the map: `route_between`, the cheapest way from
one place to another (travel cost, then fewest stages; ties by place id, so the same map
always gives the same way).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field


class Kind:
    """What an entity is."""

    PLACE = "place"
    PERSON = "person"
    FACTION = "faction"
    LORE = "lore"
    QUEST = "quest"
    OBJECT = "object"

    ALL = (PLACE, PERSON, FACTION, LORE, QUEST, OBJECT)


@dataclass(frozen=True)
class PlaceFact:
    id: int
    name: str
    region: str = ""
    description: str = ""


@dataclass(frozen=True)
class Regard:
    """What the speaker thinks of someone: affinity and trust -1..1, familiarity 0..1."""

    affinity: float = 0.0
    trust: float = 0.0
    familiarity: float = 0.0


@dataclass(frozen=True)
class PersonFact:
    id: int
    name: str
    kind: str = "npc"  # "npc", "spectra" or "player"
    description: str = ""
    faction_id: int | None = None
    place_id: int | None = None
    regard: Regard | None = None  # the speaker's opinion of them; None: no opinion
    mood: str = ""


@dataclass(frozen=True)
class FactionFact:
    id: int
    name: str
    description: str = ""
    ethos: str = ""
    status: str = ""
    home_id: int | None = None
    standing: int | None = None  # how the speaker's faction regards it; None: no relation or no faction
    goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoreFact:
    id: int
    title: str
    category: str = ""
    summary: str = ""
    body: str = ""
    known: bool = True  # a secret the speaker is not in on is not known
    place_ids: tuple[int, ...] = ()
    person_ids: tuple[int, ...] = ()
    faction_ids: tuple[int, ...] = ()

    @property
    def secret(self) -> bool:
        return self.category == "secret"


@dataclass(frozen=True)
class QuestFact:
    id: int
    title: str
    description: str = ""
    giver_id: int | None = None
    steps: tuple[str, ...] = ()  # the objectives, in order
    held_step: str = ""  # the player's current step, if the player holds it
    status: str = "available"


@dataclass(frozen=True)
class ObjectFact:
    id: int
    name: str
    description: str = ""
    place_id: int | None = None
    holder_id: int | None = None


@dataclass(frozen=True)
class PathFact:
    source_id: int
    target_id: int
    cost: int = 1
    two_way: bool = True
    description: str = ""


@dataclass(frozen=True)
class Turn:
    """A line of the conversation so far between the player and the speaker."""

    by_player: bool
    text: str
    tick: int = 0


@dataclass(frozen=True)
class Knowledge:
    """Everything a speaker may draw on to answer, as plain data."""

    speaker_id: int = 0
    speaker_place_id: int | None = None
    speaker_faction_id: int | None = None
    places: tuple[PlaceFact, ...] = ()
    people: tuple[PersonFact, ...] = ()
    factions: tuple[FactionFact, ...] = ()
    lore: tuple[LoreFact, ...] = ()
    quests: tuple[QuestFact, ...] = ()
    objects: tuple[ObjectFact, ...] = ()
    paths: tuple[PathFact, ...] = ()
    player_trust: float = 0.0  # how far the speaker trusts the player (secrets need SECRET_TRUST)
    # Who else stands at the speaker's place (players aside): the first few, those it knows
    # best first (each among `people`), and how many there are in all.
    present: tuple[int, ...] = ()
    present_count: int = 0
    # A lookup by (kind, id), built on first use; `dataclasses.replace` starts a fresh one.
    _index: dict = field(default_factory=dict, compare=False, repr=False, init=False)

    def get(self, kind: str, entity_id: int | None):
        """The fact of that kind and id, or None."""
        if entity_id is None:
            return None
        if not self._index:
            for group, facts in (
                (Kind.PLACE, self.places),
                (Kind.PERSON, self.people),
                (Kind.FACTION, self.factions),
                (Kind.LORE, self.lore),
                (Kind.QUEST, self.quests),
                (Kind.OBJECT, self.objects),
            ):
                self._index.update({(group, fact.id): fact for fact in facts})
        return self._index.get((kind, entity_id))

    def company(self) -> tuple[list[PersonFact], int]:
        """Who else stands at the speaker's place, as people it knows (`present`), and how many
        more stand there unnamed."""
        people = [person for person in (self.get(Kind.PERSON, i) for i in self.present) if person is not None]
        return people, max(0, self.present_count - len(people))

    def place_name(self, place_id: int | None) -> str:
        place = self.get(Kind.PLACE, place_id)
        return place.name if place else ""


SECRET_TRUST = 0.5


def route_between(paths: Iterable[PathFact], start: int, goal: int) -> tuple[tuple[int, ...], int] | None:
    """The cheapest way from `start` to `goal`: the places passed through after the start
    (ending with the goal) and the total travel cost; None if the goal cannot be reached."""
    exits: dict[int, list[tuple[int, int]]] = {}
    for path in paths:
        exits.setdefault(path.source_id, []).append((path.target_id, path.cost))
        if path.two_way:
            exits.setdefault(path.target_id, []).append((path.source_id, path.cost))
    frontier: list[tuple[int, int, int, tuple[int, ...]]] = [(0, 0, start, ())]
    settled: set[int] = set()
    while frontier:
        cost, stages, here, way = heapq.heappop(frontier)
        if here == goal:
            return way, cost
        if here in settled:
            continue
        settled.add(here)
        for there, step in sorted(exits.get(here, ())):
            if there not in settled:
                heapq.heappush(frontier, (cost + step, stages + 1, there, (*way, there)))
    return None
