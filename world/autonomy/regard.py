"""Regard: what each character thinks of the others, given by another app (relationships)
without the world importing it. A source is registered in an app's `ready()`:

    register_regard_source(regard_for_batch)

and is called once per tick batch with the batch's character ids and the tick; it returns
`{character_id: {other_id: Regard}}` in a constant number of queries, as things stood at the
start of the tick (relationships are written after every batch has acted).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from world.autonomy.state import Regard

RegardSource = Callable[..., Mapping[int, Mapping[int, Regard]]]
_sources: list[RegardSource] = []


def register_regard_source(source: RegardSource) -> RegardSource:
    if source not in _sources:
        _sources.append(source)
    return source


def regards_load(character_ids: list[int], *, tick: int) -> dict[int, dict[int, Regard]]:
    """Every registered source's regard for these characters (a later source wins a pair)."""
    gathered: dict[int, dict[int, Regard]] = {}
    for source in _sources:
        for character_id, regard in source(character_ids=character_ids, tick=tick).items():
            gathered.setdefault(character_id, {}).update(regard)
    return gathered
