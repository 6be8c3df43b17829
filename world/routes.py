"""Routes over the map graph (pure): the one breadth-first search every app uses.

`shortest_routes` walks from a place along its exits, fewest paths first, and says for each
place reached how many paths away it is and which exit out of the start leads there. Exits
are taken in the order given, so the same map always gives the same way: the first exit
listed wins a tie.

Used by `world.autonomy.intentions.next_hop` (the next step toward a heading's target) and
`spectra.resonance` (how far her mood reaches).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

ExitT = TypeVar("ExitT")


@dataclass(frozen=True)
class Route(Generic[ExitT]):
    """How a place is reached from the start: `paths` away, leaving by `first` (None for the
    start itself)."""

    paths: int
    first: ExitT | None


def shortest_routes(
    start: int,
    exits: Mapping[int, Iterable[ExitT]],
    *,
    destination: Callable[[ExitT], int],
    reach: int | None = None,
    goal: int | None = None,
) -> dict[int, Route[ExitT]]:
    """Place id → its `Route` from `start`, for every place within `reach` paths (None: no
    limit), in the order they were reached. With a `goal`, the search stops as soon as the
    goal is reached. `destination(exit)` is the place an exit leads to."""
    routes: dict[int, Route[ExitT]] = {start: Route(paths=0, first=None)}
    frontier = deque([start])
    while frontier:
        here = frontier.popleft()
        route = routes[here]
        if reach is not None and route.paths >= reach:
            continue
        for way in exits.get(here, ()):
            there = destination(way)
            if there in routes:
                continue
            routes[there] = Route(paths=route.paths + 1, first=way if here == start else route.first)
            if there == goal:
                return routes
            frontier.append(there)
    return routes


def neighbours_from_paths(paths: Iterable[tuple[int, int, bool]]) -> dict[int, set[int]]:
    """Place id → the places one path away, from (from, to, two_way) rows."""
    neighbours: dict[int, set[int]] = {}
    for source, target, two_way in paths:
        neighbours.setdefault(source, set()).add(target)
        if two_way:
            neighbours.setdefault(target, set()).add(source)
    return neighbours


def place_itself(place_id: int) -> int:
    """The `destination` of a neighbour map whose exits are the places themselves."""
    return place_id
