"""The map of Htrae as a whole: every place with its perceived environment (tinted where
Spectra's mood resonates), the paths between them, and who stands where. A read for the
live viewer's map (`GET /api/world/map`); the player's own place is `GET /api/world/state`."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When

from world.environment import effective_environment
from world.models import Character, Location, Path

# Names shown per place; `population` still counts everyone there.
MAP_CHARACTERS_PER_PLACE = 12

# Spectra first, then players, then NPCs: the order `world_update`'s `characters` use.
_KIND_ORDER = Case(
    When(kind=Character.Kind.SPECTRA, then=Value(0)),
    When(kind=Character.Kind.PLAYER, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def world_map_get(*, characters_per_place: int = MAP_CHARACTERS_PER_PLACE) -> dict:
    """Places (by id), paths (by id) and the active characters at each place. Three queries
    however large the world; the characters of a place are capped at `characters_per_place`."""
    places: dict[int, dict] = {}
    for location in Location.objects.order_by("id").only(
        "id", "slug", "name", "description", "region", "map_x", "map_y", "light", "color", "sound", "resonance"
    ):
        places[location.id] = {
            "id": location.id,
            "slug": location.slug,
            "name": location.name,
            "description": location.description,
            "region": location.region,
            "map": {"x": location.map_x, "y": location.map_y},
            "environment": effective_environment(
                light=location.light, color=location.color, sound=location.sound, resonance=location.resonance
            ),
            "characters": [],
            "population": 0,
        }
    paths = [
        {"source": source, "target": target, "travel_cost": cost, "two_way": two_way}
        for source, target, cost, two_way in Path.objects.order_by("id").values_list(
            "source_id", "target_id", "travel_cost", "two_way"
        )
    ]
    present = (
        Character.objects.filter(is_active=True)
        .annotate(kind_order=_KIND_ORDER)
        .order_by("location_id", "kind_order", "name", "id")
        .values_list("id", "name", "kind", "location_id")
    )
    for character_id, name, kind, location_id in present:
        place = places.get(location_id)
        if place is None:
            continue
        place["population"] += 1
        if len(place["characters"]) < characters_per_place:
            place["characters"].append({"id": character_id, "name": name, "kind": kind})
    return {"places": list(places.values()), "paths": paths}
