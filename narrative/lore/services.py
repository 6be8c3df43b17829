"""Writes of lore: what characters come to know."""

from __future__ import annotations

from narrative.models import LoreDiscovery, LoreEntry
from world.models import Character


def lore_discover(*, character: Character, entry: LoreEntry, tick: int) -> LoreDiscovery:
    """Record that `character` knows `entry` (once; a second call changes nothing)."""
    discovery, _ = LoreDiscovery.objects.get_or_create(
        character=character, entry=entry, defaults={"discovered_tick": tick}
    )
    return discovery


def lore_discover_linked(*, visits: list[tuple[int, int | None, int | None, int]]) -> int:
    """For each (character_id, location_id, met_character_id, tick), the character discovers
    the secrets linked to that location or that character (three queries). Returns how many
    (character, entry) pairs were looked at."""
    location_ids = {location_id for _, location_id, _, _ in visits if location_id}
    met_ids = {met_id for _, _, met_id, _ in visits if met_id}
    secret = LoreEntry.Category.SECRET
    by_location: dict[int, set[int]] = {}
    by_character: dict[int, set[int]] = {}
    if location_ids:
        rows = LoreEntry.locations.through.objects.filter(
            location_id__in=location_ids, loreentry__category=secret
        ).values_list("location_id", "loreentry_id")
        for location_id, entry_id in rows:
            by_location.setdefault(location_id, set()).add(entry_id)
    if met_ids:
        rows = LoreEntry.characters.through.objects.filter(
            character_id__in=met_ids, loreentry__category=secret
        ).values_list("character_id", "loreentry_id")
        for met_id, entry_id in rows:
            by_character.setdefault(met_id, set()).add(entry_id)
    found: dict[tuple[int, int], int] = {}
    for character_id, location_id, met_id, tick in visits:
        for entry_id in by_location.get(location_id, set()) | by_character.get(met_id, set()):
            found.setdefault((character_id, entry_id), tick)
    if found:
        LoreDiscovery.objects.bulk_create(
            [
                LoreDiscovery(character_id=character_id, entry_id=entry_id, discovered_tick=tick)
                for (character_id, entry_id), tick in found.items()
            ],
            ignore_conflicts=True,
        )
    return len(found)
