"""Knowledge: what characters know and may talk of, given by other apps (gossip: what they
heard, saw, remember, the lore they hold) without the world importing them. A source is
registered in an app's `ready()`:

    register_fact_source(known_facts)

and is called once per tick batch, only for the characters who talk and those they talk to,
with their ids and the tick; it returns `{character_id: [Fact, ...]}` in a constant number of
queries, as things stood at the start of the tick (what is told this tick is learned after
every batch has acted, so batch size and order do not change what anyone says).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from world.autonomy.state import Fact

FactSource = Callable[..., Mapping[int, Iterable[Fact]]]
_sources: list[FactSource] = []


def register_fact_source(source: FactSource) -> FactSource:
    if source not in _sources:
        _sources.append(source)
    return source


def facts_load(character_ids: list[int], *, tick: int) -> dict[int, tuple[Fact, ...]]:
    """Every registered source's facts for these characters (one fact per key: the first
    source's)."""
    gathered: dict[int, dict[str, Fact]] = {}
    if not character_ids:
        return {}
    for source in _sources:
        for character_id, facts in source(character_ids=character_ids, tick=tick).items():
            known = gathered.setdefault(character_id, {})
            for fact in facts:
                known.setdefault(fact.key, fact)
    return {character_id: tuple(known.values()) for character_id, known in gathered.items()}
