"""What the liveliness report (`world.reporting`) learns of memories at the end of a run:
emotional memories each NPC holds, and the reflections formed. Registered in `memory.apps`."""

from __future__ import annotations

from django.db.models import Count

from memory.models import Memory
from world.models import Character


def memories_final_sample(*, first_tick: int) -> dict:
    """Two queries, whatever the number of memories read for counting."""
    emotional = dict(
        Memory.objects.filter(type=Memory.Type.EMOTIONAL, character__kind=Character.Kind.NPC)
        .order_by()
        .values("character_id")
        .annotate(held=Count("id"))
        .values_list("character_id", "held")
    )
    reflections = tuple(
        Memory.objects.filter(type=Memory.Type.REFLECTION, tick__gt=first_tick)
        .order_by("tick", "id")
        .values_list("content", flat=True)
    )
    return {"emotional_memories": emotional, "reflections": reflections}
