"""Pacts between factions, made from what their people think of each other: pure functions
over plain facts, no ORM (`narrative.factions.services.faction_pacts_review` loads the facts
at each review and writes the pacts as opinion modifiers).

A faction's banner and its people's hearts can disagree. At each review, for each pair of
factions with no pact between them, what the members of each think of the other's (their mean
affinity over the pairs who know each other, `relationships.selectors.faction_feelings`):

| pact     | when                                                              | both toward each other      | lasts |
| -------- | ----------------------------------------------------------------- | --------------------------- | ----- |
| alliance | each regards the other as friendly (not both allied already), and | +20, or up to allied (75)   | 480   |
|          | each's people like the other's (mean affinity ≥ 0.3)              |                             |       |
| treaty   | each regards the other as wary or worse, but each's people get on | +15, or up to neutral (-29) | 480   |
|          | with the other's (mean affinity ≥ 0.1): peace made from below     |                             |       |
| rivalry  | neither regards the other as friendly or better, and each's       | -10, or down to wary (-30)  | 240   |
|          | people dislike the other's (mean affinity ≤ -0.2)                 |                             |       |

("lasts": ticks.)

So a pact means what it says: allies are allied, a treaty ends a war, rivals are wary.

Each side needs at least MIN_KNOWN_PAIRS members who know one of the other's: a pact is
made by people, not by two strangers. A pact does not fade while it lasts (its modifier has
no decay), but the deeds of the day still move the standing around it: a betrayal or a clash
between allies (`narrative.factions.incidents`) can bring an alliance's standing down, and when
the pact ends it is made again only if the people still feel so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from narrative.factions.relations import Stance, stance_for

ALLIANCE, TREATY, RIVALRY = "alliance", "treaty", "rivalry"
PACT_KINDS = (ALLIANCE, TREATY, RIVALRY)
PACT_VALUE = {ALLIANCE: 20, TREATY: 15, RIVALRY: -10}  # at least this much
PACT_STANDING = {ALLIANCE: 75, TREATY: -29, RIVALRY: -30}  # or as far as this, if that is more
PACT_DURATION_TICKS = {ALLIANCE: 480, TREATY: 480, RIVALRY: 240}
PACT_LABEL = {ALLIANCE: "an alliance", TREATY: "a treaty", RIVALRY: "a rivalry"}
PACT_WHY = {
    ALLIANCE: "their people are fond of each other",
    TREATY: "their people get on, whatever their banners say",
    RIVALRY: "their people cannot abide each other",
}

ALLY_WARMTH = 0.3
TREATY_WARMTH = 0.1
RIVAL_COLDNESS = -0.2
MIN_KNOWN_PAIRS = 3

TRUSTING = frozenset({Stance.FRIENDLY, Stance.ALLIED})
DISTRUSTING = frozenset({Stance.WARY, Stance.HOSTILE, Stance.AT_WAR})


@dataclass(frozen=True)
class Pact:
    """A pact between two factions (`faction_id` < `other_id`); it binds both ways."""

    kind: str
    faction_id: int
    other_id: int

    @property
    def reason(self) -> str:
        return f"{PACT_LABEL[self.kind]} ({PACT_WHY[self.kind]})"


def pact_value(kind: str, standing: int) -> int:
    """What a pact adds to a standing of `standing`: PACT_VALUE, or more to reach PACT_STANDING."""
    if PACT_VALUE[kind] > 0:
        return max(PACT_VALUE[kind], PACT_STANDING[kind] - standing)
    return min(PACT_VALUE[kind], PACT_STANDING[kind] - standing)


def pact_kind_of(reason: str) -> str | None:
    """The pact a modifier's reason names, if any."""
    for kind in PACT_KINDS:
        if reason == PACT_LABEL[kind] or reason.startswith(f"{PACT_LABEL[kind]} ("):
            return kind
    return None


def pacts_made(
    *,
    faction_ids: Iterable[int],
    standings: Mapping[tuple[int, int], int],
    feelings: Mapping[tuple[int, int], tuple[float, int]],
    bound: set[tuple[int, int]],
) -> list[Pact]:
    """The pacts this review makes (see the module docstring). `standings`: (faction, other)
    → current standing (a missing pair is a neutral 0); `feelings`: (faction, other) → (its
    people's mean affinity for the other's, pairs who know each other); `bound`: the pairs
    (lower id first) with a pact in force."""
    ids = sorted(set(faction_ids))
    pacts = []
    for index, first in enumerate(ids):
        for second in ids[index + 1 :]:
            if (first, second) in bound:
                continue
            kind = _pact_kind(
                stances=(stance_for(standings.get((first, second), 0)), stance_for(standings.get((second, first), 0))),
                feelings=(feelings.get((first, second)), feelings.get((second, first))),
            )
            if kind is not None:
                pacts.append(Pact(kind, first, second))
    return pacts


def _pact_kind(*, stances: tuple[str, str], feelings: tuple[tuple[float, int] | None, ...]) -> str | None:
    if any(feeling is None or feeling[1] < MIN_KNOWN_PAIRS for feeling in feelings):
        return None
    warmths = [feeling[0] for feeling in feelings if feeling is not None]
    if all(s in TRUSTING for s in stances) and stances != (Stance.ALLIED, Stance.ALLIED):
        return ALLIANCE if min(warmths) >= ALLY_WARMTH else None
    if all(s in DISTRUSTING for s in stances) and min(warmths) >= TREATY_WARMTH:
        return TREATY
    if not any(s in TRUSTING for s in stances) and max(warmths) <= RIVAL_COLDNESS:
        return RIVALRY
    return None
