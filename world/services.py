"""Services of the world app: the only functions that change world state."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from rest_framework.authtoken.models import Token

from htrae.bulk import bulk_insert_columns, bulk_update_columns
from htrae.errors import DomainError
from htrae.vocabulary import EventType
from world import accounts, sql
from world.consequences import consequences_schedule
from world.events import deferring, publish
from world.locks import is_lock_conflict, player_writer, retrying
from world.models import (
    AccountName,
    Character,
    Location,
    PlayerActionReceipt,
    WorldClock,
)
from world.selectors import player_action_receipt_and_tick, starting_location_get, world_now_get
from world.tasks import WORLD_TICK_TASK

User = get_user_model()


def _tick_interval_wanted(*, seed_interval: int | None) -> int | None:
    """The interval the world should tick at when no designer has set one: the environment's
    (TICK_INTERVAL_SECONDS) when set, else the seed file's (None: leave it be)."""
    return settings.TICK_INTERVAL_SECONDS or seed_interval


def world_clock_get_or_create(
    *,
    start: datetime | None = None,
    time_scale: float | None = None,
    tick_interval_seconds: int | None = None,
) -> WorldClock:
    """The world clock, created on first use with the seed's start time and settings.

    `tick_interval_seconds` is the seed file's; the environment's wins over it, and a
    designer's (set in the admin) wins over both: see `tick_interval_apply`.
    """
    defaults = {
        "world_time": start or timezone.now(),
        "seed": settings.WORLD_SEED,
        "tick_interval_seconds": _tick_interval_wanted(seed_interval=tick_interval_seconds)
        or settings.DEFAULT_TICK_INTERVAL_SECONDS,
    }
    if time_scale is not None:
        defaults["time_scale"] = time_scale
    clock, created = WorldClock.objects.get_or_create(id=WorldClock.SINGLETON_ID, defaults=defaults)
    if not created:
        tick_interval_apply(seed_interval=tick_interval_seconds)
        clock.refresh_from_db()
    return clock


def tick_interval_apply(*, seed_interval: int | None = None) -> WorldClock | None:
    """Bring the clock's interval in line with who decides it: a designer's change in the
    admin (`tick_interval_set_by_designer`) wins over the environment's TICK_INTERVAL_SECONDS,
    which wins over the seed file's `seed_interval`. Called on seeding and at start-up
    (`serve`, `sync_tick_schedule`), where there is no seed interval. Returns the clock, if any.
    """
    clock = WorldClock.objects.filter(pk=WorldClock.SINGLETON_ID).first()
    if clock is None or clock.tick_interval_set_by_designer:
        return clock
    wanted = _tick_interval_wanted(seed_interval=seed_interval)
    if wanted and wanted != clock.tick_interval_seconds:
        # An update of the one column: a tick running meanwhile keeps its own row changes.
        WorldClock.objects.filter(pk=clock.pk, tick_interval_set_by_designer=False).update(tick_interval_seconds=wanted)
        clock.refresh_from_db()
    return clock


TICK_SCHEDULE_NAME = "world-tick"


def tick_schedule_sync() -> None:
    """Make Celery Beat's schedule match the world clock: every tick interval, off while paused.

    Creates or updates the one periodic task (never deletes others); Beat's database
    scheduler notices the change without a restart.
    """
    clock = WorldClock.objects.filter(pk=WorldClock.SINGLETON_ID).first()
    every = (
        clock.tick_interval_seconds
        if clock
        else (settings.TICK_INTERVAL_SECONDS or settings.DEFAULT_TICK_INTERVAL_SECONDS)
    )
    interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name=TICK_SCHEDULE_NAME,
        defaults={
            "task": WORLD_TICK_TASK,
            "interval": interval,
            "enabled": not (clock and clock.paused),
            "description": "Advances the world of Htrae by one tick (managed from the world clock).",
        },
    )


def world_clock_update(*, clock: WorldClock, by_designer: bool = False, **changes) -> WorldClock:
    """Change the world clock (pause, resume, interval, time scale) and the tick schedule with it.

    `by_designer`: the change comes from a person in the admin; if it sets a new interval,
    that interval now wins over TICK_INTERVAL_SECONDS and the seed file.
    """
    if by_designer and "tick_interval_seconds" in changes:
        changes.setdefault("tick_interval_set_by_designer", True)  # unless they cleared it in the same save
    for name, value in changes.items():
        setattr(clock, name, value)
    clock.full_clean()
    # Only what changed: the tick and the retention policy write their own columns meanwhile
    # (a form loaded before a tick must not write an older tick or pruning mark back).
    clock.save(update_fields=None if clock._state.adding or not changes else [*changes, "updated_at"])
    if changes.get("tick_interval_set_by_designer") is False:  # handed back: the environment's applies now
        clock = tick_interval_apply() or clock
    tick_schedule_sync()
    return clock


@dataclass(frozen=True)
class PlayerRegistration:
    user: User
    character: Character
    token: str


def _player_slug(user: User) -> str:
    return f"player-{user.pk}"


def player_register(*, username: str, password: str) -> PlayerRegistration:
    """Create a user, their API token, and their character at the starting location.

    The name is NFKC-normalised and must pass `world.accounts.username_validate` (not
    reserved, nobody's look-alike); the password Django's validators. Raises ValidationError
    naming the field, and DomainError when the world has no starting location yet. Creates
    nothing on failure; a registration that loses a race for its name gets the same
    `username` error (the database's unique indexes decide).
    """
    username = accounts.username_normalize(username)
    skeleton = accounts.username_validate(username=username)
    try:
        validate_password(password, user=User(username=username))
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error

    start = starting_location_get()
    if start is None:
        raise DomainError(
            "The world has no starting location yet; a designer must mark one.",
            code="world_not_ready",
            status_code=503,
        )

    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, password=password)
            AccountName.objects.create(user=user, skeleton=skeleton)
            character = Character.objects.create(
                name=username,
                slug=_player_slug(user),
                kind=Character.Kind.PLAYER,
                user=user,
                location=start,
                emotional_state={"mood": "calm", "pleasure": 0.0, "arousal": 0.0, "dominance": 0.0},
            )
            token = Token.objects.create(user=user)
            publish(
                EventType.PLAYER_JOINED,
                {**actor_payload(character), "location_name": start.name},
                tick=world_now_get().tick,
                location_id=start.id,
                actor_id=character.id,
            )
    except IntegrityError as error:  # two registrations raced for the same (or a look-alike) name
        raise accounts.username_taken_error() from error
    return PlayerRegistration(user=user, character=character, token=token.key)


def player_token_get_or_create(*, user: User) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def location_set_starting(*, location: Location) -> Location:
    """Make `location` the one where new players start (and no other)."""
    with transaction.atomic():
        Location.objects.filter(is_starting_location=True).exclude(pk=location.pk).update(is_starting_location=False)
        if not location.is_starting_location:
            location.is_starting_location = True
            location.save(update_fields=["is_starting_location", "updated_at"])
    return location


# --- Player actions (the WebSocket's `player_action`) -------------------------------------

SPEECH_MAX_CHARS = 500

PlayerActionHandler = Callable[..., dict]  # (*, character, data, tick) -> the ack's reply

# The client's `request_id` of the action being applied: a spoken line keeps it, so the answer
# to it can say which message it answers (`chat_message.in_reply_to`). A context variable
# rather than a handler argument: registered actions keep their signature.
_action_request_id: ContextVar[str | None] = ContextVar("action_request_id", default=None)
_extra_actions: dict[str, PlayerActionHandler] = {}


def register_player_action(name: str, handler: PlayerActionHandler) -> PlayerActionHandler:
    """Let another app add a `player_action` (narrative's accept_quest, ...) without the world
    importing it. The handler runs inside the action's transaction with the player's
    character locked, and raises DomainError to refuse."""
    if name in _BUILT_IN_ACTIONS:
        raise ValueError(f"{name!r} is a built-in action.")
    _extra_actions[name] = handler
    return handler


def player_actions() -> tuple[str, ...]:
    """Every action a player may send, built-in first."""
    return (*_BUILT_IN_ACTIONS, *sorted(_extra_actions))


def actor_payload(character: Character) -> dict:
    """Who did it, as every player event's payload names them."""
    return {"actor_id": character.id, "actor_name": character.name, "actor_kind": character.kind}


def _invalid(field: str, message: str, code: str = "invalid_field") -> DomainError:
    return DomainError(f"{field}: {message}", code=code)


def player_action_apply(*, character_id: int, request_id: str, action: str, data: dict) -> dict:
    """Apply a player's action once per request id; returns the reply for the `ack`.

    A repeated request id gets the first reply again (with `"replayed": true`) and changes
    nothing. A refused action raises DomainError (its code goes into the `error` reply) and
    writes nothing, not even the receipt, so the client may fix it and send it again.
    """
    handler = _BUILT_IN_ACTIONS.get(action) or _extra_actions.get(action)
    if handler is None:
        known = ", ".join(player_actions())
        raise DomainError(f"Unknown action {action!r}; use one of {known}.", code="unknown_action")
    try:
        return retrying(
            lambda: _player_action_once(
                handler=handler, character_id=character_id, request_id=request_id, action=action, data=data
            ),
            what=f"player action {action}",
        )
    except OperationalError as error:
        if not is_lock_conflict(error):
            raise
        raise DomainError("The world is busy; send the action again.", code="busy", status_code=503) from error


def _player_action_once(*, handler, character_id: int, request_id: str, action: str, data: dict) -> dict:
    # The action writes its own rows and its events; what the events set off in the world
    # (conversations, memories, quests, feelings, answers) runs after commit as mind work of
    # its own (world.locks): the player's transaction stays short and takes no one else's rows.
    with player_writer(), deferring() as published:
        character = _player_locked(character_id)
        if character is None:
            raise DomainError("This player has no character.", code="no_character", status_code=404)
        replied, tick = player_action_receipt_and_tick(character_id=character.id, request_id=request_id)
        if replied is not None:
            return {**replied, "replayed": True}
        token = _action_request_id.set(request_id)
        try:
            reply = handler(character=character, data=data, tick=tick)
        finally:
            _action_request_id.reset(token)
        bulk_insert_columns(
            PlayerActionReceipt,
            ["character", "request_id", "action", "reply", "created_at"],
            [(character.id, request_id, action, reply, timezone.now())],
        )
        if published:
            transaction.on_commit(partial(consequences_schedule, [event.id for event in published]))
    return reply


@functools.cache
def _player_lock_sql(lock: str) -> str:
    return (
        f"SELECT {sql.columns(Character, 'c')}, {sql.columns(Location, 'l')} FROM world_character c"
        " JOIN world_location l ON l.id = c.location_id WHERE c.id = %s AND c.kind = %s" + lock
    )


def _row_lock() -> str:
    """`FOR NO KEY UPDATE` where the database has it (world.locks: why not `FOR UPDATE`)."""
    features = connection.features
    if features.has_select_for_no_key_update:
        return " FOR NO KEY UPDATE"
    return " FOR UPDATE" if features.has_select_for_update else ""


def _player_locked(character_id: int) -> Character | None:
    """The player's character with its place, both rows locked for the action (as
    `select_for_update().select_related("location")` locks them). In SQL of its own
    (world.sql): every action starts here."""
    found = sql.rows(_player_lock_sql(_row_lock()), [character_id, Character.Kind.PLAYER])
    if not found:
        return None
    width = len(Character._meta.concrete_fields)
    character = sql.instance(Character, found[0][:width])
    character.location = sql.instance(Location, found[0][width:])
    return character


# A move's reads, in SQL of their own (world.sql): the destination, if a path leads there
# from here (one leaving here, or a two-way one arriving here), and what the mover carries.
_ADJACENT_PLACE_SQL = f"""
    SELECT {sql.columns(Location, "l")} FROM world_location l
    WHERE l.id = %s AND EXISTS (
        SELECT 1 FROM world_path p
        WHERE (p.source_id = %s AND p.target_id = l.id) OR (p.source_id = l.id AND p.target_id = %s AND p.two_way = %s)
    )"""
_CARRIED_SQL = "SELECT o.id FROM world_worldobject o WHERE o.holder_id = %s ORDER BY o.id"


def player_move(*, character: Character, data: dict, tick: int) -> dict:
    """Walk to an adjacent location (one listed in the state's exits)."""
    destination_id = data.get("to")
    if not isinstance(destination_id, int) or isinstance(destination_id, bool):
        raise _invalid(
            "to",
            "the id of an adjacent location is required.",
            code="missing_field" if destination_id is None else "invalid_field",
        )
    here = character.location
    found = sql.rows(_ADJACENT_PLACE_SQL, [destination_id, here.id, here.id, True])
    if not found:
        raise DomainError(f"There is no path from {here.name} to location {destination_id}.", code="not_adjacent")
    destination = sql.instance(Location, found[0])
    character.location, character.updated_at = destination, timezone.now()
    bulk_update_columns(Character, ["location", "updated_at"], [(character.id, destination.id, character.updated_at)])
    route = {"from_id": here.id, "from_name": here.name, "to_id": destination.id, "to_name": destination.name}
    carrying = [row[0] for row in sql.rows(_CARRIED_SQL, [character.id])]
    if carrying:  # what was brought along (a quest's bring_object step)
        route["carrying"] = carrying
    event = publish(
        EventType.PLAYER_MOVED,
        {**actor_payload(character), **route},
        tick=tick,
        location_id=destination.id,
        actor_id=character.id,
    )
    return {"action": "move", "event_id": event.id, "location": {"id": destination.id, "name": destination.name}}


def player_speak(*, character: Character, data: dict, tick: int) -> dict:
    """Say something to everyone at the location; it joins the place's conversation."""
    text = data.get("text")
    if not isinstance(text, str):
        raise _invalid(
            "text", "what to say is required, as a string.", code="missing_field" if text is None else "invalid_field"
        )
    text = text.strip()
    if not text:
        raise _invalid("text", "say something.", code="empty_text")
    if len(text) > SPEECH_MAX_CHARS:
        raise _invalid("text", f"at most {SPEECH_MAX_CHARS} characters.", code="text_too_long")
    event = publish(
        EventType.PLAYER_SPOKE,
        {
            **actor_payload(character),
            "text": text,
            "location_name": character.location.name,
            "request_id": _action_request_id.get(),
        },
        tick=tick,
        location_id=character.location_id,
        actor_id=character.id,
    )
    return {"action": "speak", "event_id": event.id, "text": text}


# What one turns to (in SQL of their own, world.sql): another active character here, a thing lying here.
_PRESENT_CHARACTER_SQL = """
    SELECT c.id, c.name, c.kind, c.description, c.emotional_state, f.name
    FROM world_character c LEFT OUTER JOIN narrative_faction f ON f.id = c.faction_id
    WHERE c.id = %s AND c.location_id = %s AND c.is_active = %s AND c.id <> %s"""
_OBJECT_HERE_SQL = """
    SELECT o.id, o.name, o.kind, o.description FROM world_worldobject o WHERE o.id = %s AND o.location_id = %s"""


def player_interact(*, character: Character, data: dict, tick: int) -> dict:
    """Turn to a character or an object at the same location."""
    target = data.get("target")
    if not isinstance(target, dict) or target.get("type") not in {"character", "object"}:
        raise _invalid(
            "target",
            'give {"type": "character" or "object", "id": <id>} of something here.',
            code="missing_field" if target is None else "invalid_field",
        )
    target_id = target.get("id")
    if not isinstance(target_id, int) or isinstance(target_id, bool):
        raise _invalid("target.id", "an integer id is required.")
    if target["type"] == "character":
        found = sql.rows(_PRESENT_CHARACTER_SQL, [target_id, character.location_id, True, character.id])
        if not found:
            raise DomainError(f"No character {target_id} is here.", code="unknown_target")
        other_id, name, kind, description, emotional_state, faction_name = found[0]
        seen = {
            "type": "character",
            "id": other_id,
            "name": name,
            "kind": kind,
            "description": description,
            "mood": (sql.converter(Character, "emotional_state")(emotional_state) or {}).get("mood", "calm"),
            "faction": faction_name,
        }
    else:
        found = sql.rows(_OBJECT_HERE_SQL, [target_id, character.location_id])
        if not found:
            raise DomainError(f"No object {target_id} lies here.", code="unknown_target")
        thing_id, name, kind, description = found[0]
        seen = {"type": "object", "id": thing_id, "name": name, "kind": kind, "description": description}
    event = publish(
        EventType.PLAYER_INTERACTED,
        {**actor_payload(character), "target": {key: seen[key] for key in ("type", "id", "name")}},
        tick=tick,
        location_id=character.location_id,
        actor_id=character.id,
    )
    return {"action": "interact", "event_id": event.id, "target": seen}


def player_wait(*, character: Character, data: dict, tick: int) -> dict:
    """Let time pass where one stands."""
    event = publish(
        EventType.PLAYER_WAITED,
        actor_payload(character),
        tick=tick,
        location_id=character.location_id,
        actor_id=character.id,
    )
    return {"action": "wait", "event_id": event.id}


_BUILT_IN_ACTIONS: dict[str, PlayerActionHandler] = {
    "move": player_move,
    "speak": player_speak,
    "interact": player_interact,
    "wait": player_wait,
}
