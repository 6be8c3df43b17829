"""Gatherings draw those who heard of them: a character that knows of a gathering heads
there from a little before it starts until it ends (one query per batch, only when someone
knows of one)."""

from __future__ import annotations

from datetime import datetime

from gossip.models import Knowledge
from world.autonomy.state import Intention

GATHERING_WEIGHT = 0.8  # below a quest step (1.0), above a routine's pull
SET_OUT_TICKS = 6  # how long before the start one sets out (three in-world hours)


def gathering_intentions(*, character_ids: list[int], tick: int, world_time: datetime) -> dict[int, list[Intention]]:
    rows = (
        Knowledge.objects.filter(
            character_id__any=character_ids,
            kind=Knowledge.Kind.GATHERING,
            learned_tick__lt=tick,
            location__isnull=False,
            starts_tick__lte=tick + SET_OUT_TICKS,
            ends_tick__gte=tick,
        )
        .order_by("character_id", "starts_tick", "id")
        .values_list("character_id", "location_id", "subject")
    )
    found: dict[int, list[Intention]] = {}
    for character_id, location_id, subject in rows:
        reason = f"goes to {subject}" if subject else "goes to a gathering"
        found.setdefault(character_id, []).append(
            Intention(reason=reason, weight=GATHERING_WEIGHT, location_id=location_id, verb="gather")
        )
    return found
