"""The resonance engine: Spectra's mood tints the light, colour and sound where she is,
fading with distance; places she has left relax back to their own base (constant queries)."""

from __future__ import annotations

from django.db.models import Q

from htrae.bulk import bulk_update_columns
from htrae.vocabulary import EventType
from spectra.emotion import feeling_from_json, intensity, mood_ring
from spectra.resting import baseline_from_personality
from world.environment import effective_environment
from world.events import EventDraft, publish_many
from world.models import Character, Location, Path
from world.routes import neighbours_from_paths, place_itself, shortest_routes
from world.selectors import world_now_get

RESONANCE_REACH = 2  # places this many paths away still feel her mood
RESONANCE_FADE = 0.5  # each path away halves it; a place she left halves it each tick
RESONANCE_FLOOR = 0.05  # below this a tint is gone
MOOD_LIGHT = {
    "calm": 0.75,
    "joy": 0.95,
    "intensity": 0.85,
    "melancholy": 0.3,
    "curiosity": 0.8,
    "unease": 0.4,
    "wonder": 0.9,
    "warmth": 0.8,
    "anger": 0.5,
    "aloofness": 0.45,
    "contentment": 0.7,
}
MOOD_SOUND = {
    "calm": "a soft hum hangs in the air",
    "joy": "bright chimes ring on the air",
    "intensity": "a rising thrum, like a held storm",
    "melancholy": "a low, slow drone",
    "curiosity": "small clicks and whispers",
    "unease": "a brittle, uneven ticking",
    "wonder": "a shimmering choral swell",
    "warmth": "a low, contented murmur, like a hearth",
    "anger": "a sullen grinding, like stone on stone",
    "aloofness": "a thin, cold ringing, far off",
    "contentment": "a lazy buzz, like bees in clover",
}


def resonance_field(*, location_id: int, mood: str, strength: float, paths) -> dict[int, dict]:
    """The tint Spectra's mood lays on each place within reach (pure)."""
    strength = round(strength * 10) / 10  # in steps, so small drifts don't repaint the map
    color = mood_ring(mood, strength)["hex"]
    near = 0.3 + 0.6 * strength
    return {
        place: {
            "mood": mood,
            "weight": round(near * RESONANCE_FADE**route.paths, 2),
            "light": MOOD_LIGHT.get(mood, 0.7),
            "color": color,
            "sound": MOOD_SOUND.get(mood, ""),
        }
        for place, route in shortest_routes(
            location_id, neighbours_from_paths(paths), destination=place_itself, reach=RESONANCE_REACH
        ).items()
    }


def resonance_apply(*, tick: int | None = None) -> list[int]:
    """Tint the places around Spectra by her mood and let the others relax; publish
    ENVIRONMENT_UPDATE for each place whose environment changed. Returns their ids."""
    spectra = Character.objects.filter(kind=Character.Kind.SPECTRA, is_active=True).first()
    paths = list(Path.objects.order_by("id").values_list("source_id", "target_id", "two_way"))
    field: dict[int, dict] = {}
    if spectra is not None:
        baseline = baseline_from_personality(spectra.personality or {})
        feeling = feeling_from_json(spectra.emotional_state, default_tick=0)
        mood = feeling.mood if feeling else (spectra.emotional_state or {}).get("mood", "calm")
        strength = intensity(feeling.state, baseline) if feeling else 0.3
        field = resonance_field(location_id=spectra.location_id, mood=mood, strength=strength, paths=paths)

    # By id, not the model's name ordering: the events' order must not follow place names.
    places = (
        Location.objects.filter(Q(id__in=field) | ~Q(resonance={}))
        .order_by("id")
        .values("id", "name", "light", "color", "sound", "resonance")
    )
    updates, drafts = [], []
    tick = tick if tick is not None else world_now_get().tick
    for place in places:
        current = place["resonance"] or {}
        if place["id"] in field:
            wanted = field[place["id"]]
        else:  # she is gone: the tint fades
            weight = round(float(current.get("weight", 0.0)) * RESONANCE_FADE, 2)
            wanted = {**current, "weight": weight} if weight >= RESONANCE_FLOOR else {}
        if wanted == current:
            continue
        updates.append((place["id"], wanted))
        environment = effective_environment(
            light=place["light"], color=place["color"], sound=place["sound"], resonance=wanted
        )
        drafts.append(
            EventDraft(
                type=EventType.ENVIRONMENT_UPDATE,
                payload={"location_name": place["name"], "environment": environment, "source": "spectra"},
                tick=tick,
                location_id=place["id"],
                actor_id=spectra.id if spectra and place["id"] in field else None,
            )
        )
    bulk_update_columns(Location, ["resonance"], updates)
    publish_many(drafts)
    return [place_id for place_id, _ in updates]
