"""Services of the world app: the only functions that change world state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from htrae.errors import DomainError
from world.models import Character, Location, WorldClock
from world.selectors import starting_location_get

User = get_user_model()


def world_clock_get_or_create(
    *,
    start: datetime | None = None,
    time_scale: float | None = None,
    tick_interval_seconds: int | None = None,
) -> WorldClock:
    """The world clock, created on first use with the seed's start time and settings."""
    defaults = {
        "world_time": start or timezone.now(),
        "seed": settings.WORLD_SEED,
        "tick_interval_seconds": tick_interval_seconds or settings.TICK_INTERVAL_SECONDS,
    }
    if time_scale is not None:
        defaults["time_scale"] = time_scale
    clock, _ = WorldClock.objects.get_or_create(id=WorldClock.SINGLETON_ID, defaults=defaults)
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

    Raises ValidationError naming the field for a taken name or a weak password, and
    DomainError when the world has no starting location yet. Creates nothing on failure.
    """
    username = User.normalize_username(username)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "This name is already taken."})
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
            character = Character.objects.create(
                name=username,
                slug=_player_slug(user),
                kind=Character.Kind.PLAYER,
                user=user,
                location=start,
                emotional_state={"mood": "calm", "pleasure": 0.0, "arousal": 0.0, "dominance": 0.0},
            )
            token = Token.objects.create(user=user)
    except IntegrityError as error:  # two registrations raced for the same name
        raise ValidationError({"username": "This name is already taken."}) from error
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
