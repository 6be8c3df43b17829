"""Players' object actions (`take`, `give`, `use`, `drop`): registered with
`world.services.register_player_action` in the world app's `ready()`, in the style of the
built-in actions: check the input (a JSON `error` naming the field), change the rows,
publish the event (PLAYER_TOOK_OBJECT, ...). Each runs inside the action's transaction with
the player's character locked (world.services.player_action_apply).

The rules are the autonomous characters' (world.autonomy.actions): a thing is taken only
where it lies (not from another's hands), given only to someone present, and something
`fixed` is never carried off. Taking another's thing (`properties.owner_id`) is a deed:
its event says `"stolen": true` for everyone who sees it.
"""

from __future__ import annotations

from django.db.models import Q

from htrae.errors import DomainError
from htrae.vocabulary import EventType
from world.events import publish
from world.models import Character, WorldObject
from world.services import actor_payload

CARRY_LIMIT = 6  # a player may carry more than an NPC bothers to


def _object_id(data: dict, field: str = "object") -> int:
    value = data.get(field)
    if value is None:
        raise DomainError(f"{field}: the id of an object is required.", code="missing_field")
    if not isinstance(value, int) or isinstance(value, bool):
        raise DomainError(f"{field}: an integer id is required.", code="invalid_field")
    return value


def _thing_payload(character: Character, thing: WorldObject) -> dict:
    properties = thing.properties or {}
    return {
        **actor_payload(character),
        "object_id": thing.id,
        "object_name": thing.name,
        "owner_id": properties.get("owner_id"),
        "value": properties.get("value", 0),
    }


def _carried(character: Character, object_id: int) -> WorldObject:
    thing = WorldObject.objects.select_for_update(no_key=True).filter(id=object_id, holder_id=character.id).first()
    if thing is None:
        raise DomainError(f"You do not carry object {object_id}.", code="not_carried")
    return thing


def _reply(action: str, event, thing: WorldObject, **extra) -> dict:
    return {"action": action, "event_id": event.id, "object": {"id": thing.id, "name": thing.name}, **extra}


def player_take(*, character: Character, data: dict, tick: int) -> dict:
    """Pick up a thing lying here: `{"object": <id>}`."""
    object_id = _object_id(data)
    thing = WorldObject.objects.select_for_update(no_key=True).filter(id=object_id).first()
    if thing is None or (thing.location_id != character.location_id and thing.holder_id != character.id):
        held = thing is not None and thing.holder_id is not None
        message = f"Object {object_id} is in someone's hands." if held else f"No object {object_id} lies here."
        raise DomainError(message, code="held_by_another" if held else "unknown_target")
    if thing.holder_id == character.id:
        raise DomainError(f"You already carry {thing.name}.", code="already_carried")
    if (thing.properties or {}).get("fixed"):
        raise DomainError(f"{thing.name} cannot be carried off.", code="fixed_object")
    if character.inventory.count() >= CARRY_LIMIT:
        raise DomainError(f"You carry {CARRY_LIMIT} things already; drop one first.", code="hands_full")
    owner = (thing.properties or {}).get("owner_id")
    thing.location, thing.holder = None, character
    thing.save(update_fields=["location", "holder", "updated_at"])
    payload = {**_thing_payload(character, thing), "stolen": owner is not None and owner != character.id}
    event = publish(
        EventType.PLAYER_TOOK_OBJECT, payload, tick=tick, location_id=character.location_id, actor_id=character.id
    )
    return _reply("take", event, thing, stolen=payload["stolen"])


def player_give(*, character: Character, data: dict, tick: int) -> dict:
    """Hand a carried thing to someone here: `{"object": <id>, "to": <character id>}`."""
    object_id = _object_id(data)
    receiver_id = _object_id(data, "to")
    thing = _carried(character, object_id)
    receiver = (
        Character.objects.filter(id=receiver_id, location_id=character.location_id, is_active=True)
        .exclude(id=character.id)
        .first()
    )
    if receiver is None:
        raise DomainError(f"No character {receiver_id} is here to take it.", code="unknown_target")
    thing.holder = receiver
    thing.save(update_fields=["holder", "updated_at"])
    payload = {
        **_thing_payload(character, thing),
        "receiver_id": receiver.id,
        "receiver_name": receiver.name,
        "returned": (thing.properties or {}).get("owner_id") == receiver.id,
    }
    event = publish(
        EventType.PLAYER_GAVE_OBJECT, payload, tick=tick, location_id=character.location_id, actor_id=character.id
    )
    return _reply("give", event, thing, to={"id": receiver.id, "name": receiver.name})


def player_use(*, character: Character, data: dict, tick: int) -> dict:
    """Use a thing carried or lying here: `{"object": <id>}`. What it does is the object's
    `properties.on_use` (a target object's properties set, perhaps only at one place)."""
    object_id = _object_id(data)
    here_or_carried = Q(holder_id=character.id) | Q(location_id=character.location_id)
    thing = WorldObject.objects.filter(here_or_carried, id=object_id).first()
    if thing is None:
        raise DomainError(f"No object {object_id} is here or in your hands.", code="unknown_target")
    payload = _thing_payload(character, thing)
    effect = object_use_effect(thing=thing, location=character.location, tick=tick)
    if effect:
        payload["effect"] = effect
    event = publish(
        EventType.PLAYER_USED_OBJECT, payload, tick=tick, location_id=character.location_id, actor_id=character.id
    )
    return _reply("use", event, thing, effect=effect or None)


def object_use_effect(*, thing: WorldObject, location, tick: int) -> dict:
    """Apply what using `thing` at `location` does (its `on_use`), returning the effect for
    the event ({} when nothing happens here)."""
    on_use = (thing.properties or {}).get("on_use") or {}
    if not isinstance(on_use, dict) or not on_use.get("target"):
        return {}
    if on_use.get("at") and on_use["at"] != location.slug:
        return {}
    target = WorldObject.objects.select_for_update(no_key=True).filter(slug=on_use["target"]).first()
    if target is None:
        return {}
    sets = dict(on_use.get("sets") or {})
    target.properties = {**(target.properties or {}), **sets, "changed_tick": tick}
    target.save(update_fields=["properties", "updated_at"])
    return {"object_id": target.id, "sets": sets, "says": str(on_use.get("says") or "")}


def player_drop(*, character: Character, data: dict, tick: int) -> dict:
    """Leave a carried thing here: `{"object": <id>}`."""
    thing = _carried(character, _object_id(data))
    thing.holder, thing.location = None, character.location
    thing.save(update_fields=["holder", "location", "updated_at"])
    event = publish(
        EventType.PLAYER_DROPPED_OBJECT,
        _thing_payload(character, thing),
        tick=tick,
        location_id=character.location_id,
        actor_id=character.id,
    )
    return _reply("drop", event, thing)


PLAYER_OBJECT_ACTIONS = {"take": player_take, "give": player_give, "use": player_use, "drop": player_drop}
