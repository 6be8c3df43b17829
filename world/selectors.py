"""Selectors of the world app: functions that read world state."""

from __future__ import annotations

from world.models import Character, Location


def starting_location_get() -> Location | None:
    """Where new players start: the flagged location, else none."""
    return Location.objects.filter(is_starting_location=True).first()


def player_character_get(*, user) -> Character | None:
    return Character.objects.select_related("location", "faction").filter(user=user, kind=Character.Kind.PLAYER).first()


def world_is_empty() -> bool:
    """True before the world has been seeded: no locations at all."""
    return not Location.objects.exists()


def world_overview() -> dict:
    """Headline numbers of the world, for the landing page (a constant number of queries)."""
    from django.db.models import Count, Q

    from world.models import WorldClock

    counts = Character.objects.aggregate(
        npcs=Count("id", filter=Q(kind=Character.Kind.NPC)),
        players=Count("id", filter=Q(kind=Character.Kind.PLAYER)),
    )
    return {
        "clock": WorldClock.objects.first(),
        "locations": Location.objects.count(),
        "npcs": counts["npcs"],
        "players": counts["players"],
    }
