"""The canonical event log: the world's history as text two runs can compare byte for byte.

One JSON line per event in id order: tick, type, location id, actor id and payload, keys in
the order they were stored (the order itself is part of what a replay must reproduce), and
nothing from the wall clock (no `timestamp`, no ids of rows other than the ones named in the
payload). With `state=True`, one line per character follows: its stored place, energy,
needs, feelings and goals.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from world.models import Character, GameEvent

BATCH = 2000


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def event_log_lines(*, after_tick: int = 0, until_tick: int | None = None, state: bool = False) -> Iterator[str]:
    """The canonical lines (see the module docstring), read in batches of ids."""
    events = GameEvent.objects.filter(tick__gt=after_tick)
    if until_tick is not None:
        events = events.filter(tick__lte=until_tick)
    last_id = 0
    while True:
        rows = list(
            events.filter(id__gt=last_id)
            .order_by("id")
            .values_list("id", "tick", "type", "location_id", "actor_id", "payload")[:BATCH]
        )
        if not rows:
            break
        for event_id, tick, event_type, location_id, actor_id, payload in rows:
            yield _dumps(
                {"tick": tick, "type": event_type, "location_id": location_id, "actor_id": actor_id, "payload": payload}
            )
            last_id = event_id
    if state:
        characters = Character.objects.order_by("id").values_list(
            "id", "kind", "location_id", "energy", "needs", "emotional_state", "goals"
        )
        for character_id, kind, location_id, energy, needs, feelings, goals in characters:
            yield _dumps(
                {
                    "character": character_id,
                    "kind": kind,
                    "location_id": location_id,
                    "energy": energy,
                    "needs": needs,
                    "emotional_state": feelings,
                    "goals": goals,
                }
            )
