"""Thin API views of the world app: accounts (register, token)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.validators import UnicodeUsernameValidator
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from htrae.errors import DomainError
from world import services
from world.models import Character
from world.selectors import player_character_get


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


class _CredentialsInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


_TokenOutput = inline_serializer(
    "TokenOutput",
    fields={"token": serializers.CharField(), "character": CharacterOutputSerializer(allow_null=True)},
)


class RegisterApi(APIView):
    """Create a player account and its character at the world's starting location."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    class InputSerializer(_CredentialsInputSerializer):
        pass

    @extend_schema(request=InputSerializer, responses={201: _TokenOutput}, operation_id="auth_register")
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = services.player_register(**serializer.validated_data)
        body = {"token": registration.token, "character": CharacterOutputSerializer(registration.character).data}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenApi(APIView):
    """Exchange a player's username and password for their API token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})

    @extend_schema(request=InputSerializer, responses={200: _TokenOutput}, operation_id="auth_token")
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request, **serializer.validated_data)
        if user is None:
            raise DomainError("Unknown username or wrong password.", code="invalid_credentials", status_code=400)
        character = player_character_get(user=user)
        body = {
            "token": services.player_token_get_or_create(user=user),
            "character": CharacterOutputSerializer(character).data if character else None,
        }
        return Response(body)


class MeApi(APIView):
    """The authenticated player's own character."""

    @extend_schema(responses={200: CharacterOutputSerializer}, operation_id="auth_me")
    def get(self, request):
        character = player_character_get(user=request.user)
        if character is None:
            raise DomainError("This account has no player character.", code="no_character", status_code=404)
        return Response(CharacterOutputSerializer(character).data)
