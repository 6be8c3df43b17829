"""Thin API views of the world app: accounts (register, token, me), the player's
surroundings, the world's time, and the event log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.fields import empty
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from htrae.errors import DomainError
from htrae.inputs import ID_MAX, JsonInputSerializer, QueryIntegerField, query_input
from htrae.pagination import CursorField, Page, limit_field, page_body, page_serializer
from htrae.schema import error_responses
from world import accounts, services
from world.frame_schema import websocket_schema
from world.history import history_lost_before
from world.models import Character
from world.selectors import (
    player_character_get,
    player_character_id_required,
    player_character_required,
    player_events_list,
    player_place_required,
    player_view_required,
    world_time_get,
)
from world.throttles import AuthIpThrottle, AuthUsernameThrottle
from world.world_map import MAP_CHARACTERS_PER_PLACE, world_map_get


class CharacterOutputSerializer(serializers.ModelSerializer):
    """A character as the API shows it (the blueprint's Character fields and a little more)."""

    faction_id = serializers.IntegerField(allow_null=True, read_only=True)
    location_id = serializers.IntegerField(read_only=True)
    location = serializers.SerializerMethodField()

    class Meta:
        model = Character
        fields = [
            "id",
            "name",
            "slug",
            "kind",
            "faction_id",
            "location_id",
            "location",
            "emotional_state",
            "goals",
            "energy",
        ]

    def get_location(self, character: Character) -> dict:
        location = character.location
        return {"id": location.id, "slug": location.slug, "name": location.name}


class _CredentialsInputSerializer(JsonInputSerializer):
    # The name becomes the character's name: no longer than that column.
    username = serializers.CharField(
        max_length=Character._meta.get_field("name").max_length, validators=[UnicodeUsernameValidator()]
    )
    # The password rules a schema can state, so clients (and the contract test) know a valid
    # one; Django's validators still refuse common passwords and ones like the name.
    password = serializers.CharField(
        min_length=settings.PASSWORD_MIN_LENGTH,
        max_length=128,
        trim_whitespace=False,
        style={"input_type": "password"},
        validators=[RegexValidator(r"\D", message="This password is entirely numeric.")],
    )


_TokenOutput = inline_serializer(
    "TokenOutput",
    fields={"token": serializers.CharField(), "character": CharacterOutputSerializer(allow_null=True)},
)


# Account endpoints are counted per client IP and per username (world.throttles): a 429 with
# Retry-After once a rate in AUTH_THROTTLE_RATES is spent.
_AUTH_THROTTLES = [AuthIpThrottle, AuthUsernameThrottle]


class RegisterApi(APIView):
    """Create a player account and its character at the world's starting location."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = _AUTH_THROTTLES

    @extend_schema_serializer(component_name="RegisterInput")
    class InputSerializer(_CredentialsInputSerializer):
        pass

    @extend_schema(
        request=InputSerializer,
        responses={
            201: _TokenOutput,
            **error_responses(
                400, 409, 429, 503, codes={409: ["username_taken"], 503: ["world_not_ready"]}, json_body=True
            ),
        },
        operation_id="auth_register",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = services.player_register(**serializer.validated_data)
        body = {"token": registration.token, "character": CharacterOutputSerializer(registration.character).data}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenApi(APIView):
    """Exchange a player's username and password for their API token; too many wrong
    passwords for a username lock it out for a while (`world.accounts.player_authenticate`)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = _AUTH_THROTTLES

    @extend_schema_serializer(component_name="TokenInput")
    class InputSerializer(JsonInputSerializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})

    @extend_schema(
        request=InputSerializer,
        responses={
            200: _TokenOutput,
            **error_responses(400, 429, codes={400: ["invalid_credentials"]}, json_body=True),
        },
        operation_id="auth_token",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = accounts.player_authenticate(request=request, **serializer.validated_data)
        character = player_character_get(user=user)
        body = {
            "token": services.player_token_get_or_create(user=user),
            "character": CharacterOutputSerializer(character).data if character else None,
        }
        return Response(body)


class MeApi(APIView):
    """The authenticated player's own character."""

    @extend_schema(
        responses={200: CharacterOutputSerializer, **error_responses(401, 404, codes={404: ["no_character"]})},
        operation_id="auth_me",
    )
    def get(self, request):
        return Response(CharacterOutputSerializer(player_character_required(user=request.user)).data)


# --- One character ------------------------------------------------------------------------

# Sections only a character's own player sees (other apps add theirs: relationships adds the
# character's opinions of others). name → function of the character, returning the section.
_OWN_SECTIONS: dict[str, Callable[[Character], Any]] = {}


def register_own_character_section(name: str, section: Callable[[Character], Any]) -> None:
    _OWN_SECTIONS[name] = section


class CharacterDetailApi(APIView):
    """A character as anyone may see it; the player's own character also carries its private
    sections (its relationships): what one character thinks of others is its own business."""

    @extend_schema(
        responses={200: CharacterOutputSerializer, **error_responses(401, 404, codes={404: ["unknown_character"]})},
        operation_id="character_detail",
    )
    def get(self, request, character_id: int):
        character = Character.objects.select_related("location").filter(pk=character_id).first()
        if character is None:
            raise DomainError("No character has this id.", code="unknown_character", status_code=404)
        body = dict(CharacterOutputSerializer(character).data)
        if character.user_id is not None and character.user_id == request.user.id:
            for name, section in _OWN_SECTIONS.items():
                body[name] = section(character)
        return Response(body)


# --- The player's world: surroundings, time, events --------------------------------------


# What the reads of the player's world can answer besides 200.
_WORLD_ERRORS = error_responses(401, 404, 503, codes={404: ["no_character"], 503: ["world_not_ready"]})


def _world_not_ready() -> DomainError:
    return DomainError("The world clock has not started yet.", code="world_not_ready", status_code=503)


class GameEventOutputSerializer(serializers.Serializer):
    """A game event as the API and the WebSocket show it."""

    id = serializers.IntegerField()
    type = serializers.CharField()
    tick = serializers.IntegerField()
    timestamp = serializers.DateTimeField()
    actor_id = serializers.IntegerField(allow_null=True)
    location_id = serializers.IntegerField(allow_null=True)
    payload = serializers.JSONField()


class _IdSlugNameSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="FactionRef")
class FactionRefOutputSerializer(_IdSlugNameSerializer):
    pass


class SurroundingLocationOutputSerializer(_IdSlugNameSerializer):
    description = serializers.CharField()
    region = serializers.CharField()
    map = inline_serializer("MapPoint", fields={"x": serializers.FloatField(), "y": serializers.FloatField()})
    environment = inline_serializer(
        "Environment",
        fields={
            "light": serializers.FloatField(),
            "color": serializers.CharField(),
            "sound": serializers.CharField(),
            "resonance": inline_serializer(
                "Resonance",
                fields={"mood": serializers.CharField(), "weight": serializers.FloatField()},
                required=False,
                help_text="Present while Spectra's mood tints the place.",
            ),
        },
    )


class PresentCharacterOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Character.Kind.choices)
    faction = FactionRefOutputSerializer(allow_null=True)
    mood = serializers.CharField()


class WorldObjectOutputSerializer(_IdSlugNameSerializer):
    kind = serializers.CharField()
    description = serializers.CharField()


class ExitOutputSerializer(_IdSlugNameSerializer):
    """A way out: `id`, `slug` and `name` are the destination's."""

    travel_cost = serializers.IntegerField()
    description = serializers.CharField()


class WorldStateApi(APIView):
    """The player's immediate surroundings: the place, who and what is there (the player
    too), the exits, and the latest events there: exactly the data of the WebSocket's
    `world_update`. The player's own character is `GET /api/auth/me`."""

    @extend_schema_serializer(component_name="WorldState")
    class OutputSerializer(serializers.Serializer):
        tick = serializers.IntegerField()
        event_id = serializers.IntegerField(
            help_text="The event log's last id when this was read: catch up with GET /api/events?after=<event_id>."
        )
        location = SurroundingLocationOutputSerializer()
        characters = PresentCharacterOutputSerializer(many=True)
        population = serializers.IntegerField()
        objects = WorldObjectOutputSerializer(many=True)
        exits = ExitOutputSerializer(many=True)
        events = GameEventOutputSerializer(many=True)

    @extend_schema(responses={200: OutputSerializer, **_WORLD_ERRORS}, operation_id="world_state")
    def get(self, request):
        surroundings = player_view_required(user=request.user)
        if surroundings["tick"] is None:
            raise _world_not_ready()
        # The view is already the documented shape (OutputSerializer, for the schema), the very
        # dict each `world_update` carries (tests/world/test_world_update_contract.py): running
        # it through the serializer again was a quarter of the request's CPU.
        return Response(surroundings)


class WorldMapApi(APIView):
    """The whole map: every place (its coordinates and perceived environment, tinted where
    Spectra's mood resonates), the paths between places, and who stands where."""

    @extend_schema_serializer(component_name="WorldMap")
    class OutputSerializer(serializers.Serializer):
        class _Place(SurroundingLocationOutputSerializer):
            characters = inline_serializer(
                "MapCharacter",
                fields={
                    "id": serializers.IntegerField(),
                    "name": serializers.CharField(),
                    "kind": serializers.ChoiceField(choices=Character.Kind.choices),
                },
                many=True,
                help_text=f"Who stands here: Spectra, players, NPCs, at most {MAP_CHARACTERS_PER_PLACE}.",
            )
            population = serializers.IntegerField(help_text="Everyone here, past the cap.")

        places = _Place(many=True)
        paths = inline_serializer(
            "MapPath",
            fields={
                "source": serializers.IntegerField(),
                "target": serializers.IntegerField(),
                "travel_cost": serializers.IntegerField(),
                "two_way": serializers.BooleanField(),
            },
            many=True,
        )

    @extend_schema(responses={200: OutputSerializer, **error_responses(401)}, operation_id="world_map")
    def get(self, request):
        return Response(self.OutputSerializer(world_map_get()).data)


class WorldTimeApi(APIView):
    """The in-world date and time, and when the next tick is due."""

    @extend_schema_serializer(component_name="WorldTime")
    class OutputSerializer(serializers.Serializer):
        tick = serializers.IntegerField()
        world_time = serializers.DateTimeField()
        date = serializers.DateField()
        time = serializers.CharField(help_text="HH:MM")
        time_of_day = serializers.ChoiceField(choices=["night", "dawn", "morning", "afternoon", "evening"])
        day_of_year = serializers.IntegerField()
        paused = serializers.BooleanField()
        tick_interval_seconds = serializers.IntegerField()
        time_scale = serializers.FloatField()
        seconds_until_next_tick = serializers.FloatField(allow_null=True, help_text="Null while the world is paused.")

    @extend_schema(responses={200: OutputSerializer, **_WORLD_ERRORS}, operation_id="world_time")
    def get(self, request):
        player_character_id_required(user=request.user)
        world_time = world_time_get()
        if world_time is None:
            raise _world_not_ready()
        return Response(self.OutputSerializer(world_time).data)


EVENTS_SCOPE = "events"


class _QueryIntegerField(QueryIntegerField):
    """An integer written plainly, and an empty value ("?after=") refused rather than read
    as absent."""

    def get_value(self, dictionary):
        return dictionary.get(self.field_name, empty)


class EventListApi(APIView):
    """The events the player may see (at their location, world-wide, or their own) after an
    id, oldest first: how a client catches up on what it missed. `after` is the first page's
    position (an event id, e.g. a frame's `event_id`); `last_id` is where to poll from next."""

    class InputSerializer(serializers.Serializer):
        # Ids are 64-bit: a larger `after` would overflow the database's integer.
        after = _QueryIntegerField(min_value=0, max_value=ID_MAX, default=0)
        limit = limit_field(default=100, maximum=500)
        cursor = CursorField(scope=EVENTS_SCOPE, help_text="A `next_cursor`; it wins over `after`.")

    @extend_schema(
        parameters=[InputSerializer],
        responses={
            200: page_serializer(
                "EventPage",
                GameEventOutputSerializer(many=True),
                last_id=serializers.IntegerField(
                    help_text="The last event's id here (else `after`): the `after` of the next poll."
                ),
            ),
            **error_responses(400, 401, 404, 410, codes={404: ["no_character"]}),
        },
        operation_id="events_list",
    )
    def get(self, request):
        params = self.InputSerializer(data=query_input(request))
        params.is_valid(raise_exception=True)
        data = params.validated_data
        after = data["cursor"][0] if "cursor" in data else data["after"]
        character_id, location_id = player_place_required(user=request.user)
        if after < history_lost_before():
            raise DomainError(
                "Events after this position are no longer kept (the history's retention window): fetch "
                "GET /api/world/state and catch up from its event_id.",
                code="resync",
                status_code=status.HTTP_410_GONE,
            )

        found = player_events_list(character_id=character_id, location_id=location_id, after=after, limit=data["limit"])
        last_id = found.events[-1]["id"] if found.events else after
        page = Page(results=found.events, next_position=[last_id] if found.has_more else None)
        return Response(page_body(request, page, scope=EVENTS_SCOPE, results=found.events, last_id=last_id))


class WebSocketSchemaApi(APIView):
    """The WebSocket protocol as JSON Schema (world.frame_schema): public, like /api/schema/."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(exclude=True)  # a schema document, not an endpoint of the world
    def get(self, request):
        return Response(websocket_schema(), content_type="application/schema+json")
