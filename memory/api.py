"""Thin API views of the Memory Cortex: write a memory, list a character's memories.

Who may: a player, for their own character only; staff and the Designers group, for any.
An unknown character is a 404 `unknown_character` on both endpoints.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from htrae.designers import DESIGNERS_GROUP
from htrae.errors import DomainError
from htrae.inputs import JsonInputSerializer, query_input
from htrae.pagination import Page, cursor_decode, cursor_scope, limit_field, page_body, page_serializer, queryset_page
from htrae.schema import error_responses
from memory import services
from memory.models import IMPORTANCE_MAX, IMPORTANCE_MIN, Memory
from memory.selectors import character_get, memories_rank, memory_list
from world.models import Character
from world.selectors import world_now_get

CONTENT_MAX_CHARS = 4000
ORDERINGS = ("-timestamp", "timestamp", "-importance_score", "importance_score", "relevance")


def _character_for(*, user: AbstractBaseUser, character_id: int) -> Character:
    """The character, if it exists and this user may read and write its memories."""
    character = character_get(character_id=character_id)
    if character is None:
        raise DomainError("No character has this id.", code="unknown_character", status_code=404)
    if character.user_id is not None and character.user_id == user.id:  # one's own: no curator check
        return character
    is_curator = user.is_staff or user.groups.filter(name=DESIGNERS_GROUP).exists()
    if not is_curator:
        raise DomainError(
            "You may only see and write your own character's memories.", code="permission_denied", status_code=403
        )
    return character


# Both endpoints name a character: an unknown one is a 404 of its own.
_CHARACTER_CODES = {"codes": {404: ["unknown_character"]}}


class MemoryOutputSerializer(serializers.ModelSerializer):
    character_id = serializers.IntegerField(read_only=True)
    source_event_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Memory
        fields = [
            "id",
            "character_id",
            "content",
            "type",
            "importance_score",
            "timestamp",
            "last_accessed_at",
            "last_accessed_world_at",
            "tick",
            "source_event_id",
        ]


class MemoryCreateApi(APIView):
    """Give a character a memory."""

    class InputSerializer(JsonInputSerializer):
        character_id = serializers.IntegerField(min_value=1)
        content = serializers.CharField(max_length=CONTENT_MAX_CHARS)
        type = serializers.ChoiceField(choices=Memory.PUBLIC_TYPES)
        importance_score = serializers.FloatField(min_value=IMPORTANCE_MIN, max_value=IMPORTANCE_MAX)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: MemoryOutputSerializer,
            **error_responses(400, 401, 403, 404, **_CHARACTER_CODES, json_body=True),
        },
        operation_id="memory_create",
        tags=["memory"],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        character = _character_for(user=request.user, character_id=data.pop("character_id"))
        memory = services.memory_create(character=character, **data)
        return Response(MemoryOutputSerializer(memory).data, status=status.HTTP_201_CREATED)


class CharacterMemoryListApi(APIView):
    """A character's memories, filtered, newest first (or by importance, or by relevance to
    `query` in the manner of Generative Agents: recency, importance and relevance; then the
    top `limit` only, without a cursor). Listing does not count as recalling: last access
    is left alone.

    Every combination of well-formed filters is a question with an answer: bounds that cross
    (`min_importance` above `max_importance`, `since` after `until`) match nothing, and
    `relevance` without a `query` ranks by recency and importance alone."""

    class FilterSerializer(serializers.Serializer):
        type = serializers.ChoiceField(choices=Memory.Type.choices, required=False)
        min_importance = serializers.FloatField(min_value=IMPORTANCE_MIN, max_value=IMPORTANCE_MAX, required=False)
        max_importance = serializers.FloatField(min_value=IMPORTANCE_MIN, max_value=IMPORTANCE_MAX, required=False)
        since = serializers.DateTimeField(required=False, help_text="Memories at or after (ISO 8601).")
        until = serializers.DateTimeField(required=False, help_text="Memories at or before (ISO 8601).")
        query = serializers.CharField(
            max_length=200, required=False, help_text="Words the memory holds; with `relevance`, what to recall."
        )
        ordering = serializers.ChoiceField(choices=ORDERINGS, default="-timestamp", required=False)
        limit = limit_field(default=20, maximum=100)
        cursor = serializers.CharField(required=False, max_length=1000, help_text="The previous page's `next_cursor`.")

        def validate(self, attrs):
            # A cursor belongs to one ordering: its position is in that ordering's keys.
            if "cursor" in attrs:
                attrs["cursor"] = cursor_decode(attrs["cursor"], scope=_memories_scope(attrs["ordering"]))
            return attrs

    _Page = page_serializer("MemoryPage", MemoryOutputSerializer(many=True))

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: _Page, **error_responses(400, 401, 403, 404, **_CHARACTER_CODES)},
        operation_id="character_memories",
        tags=["memory"],
    )
    def get(self, request, character_id: int):
        filters = self.FilterSerializer(data=query_input(request))
        filters.is_valid(raise_exception=True)
        params = dict(filters.validated_data)
        ordering, limit, after = params.pop("ordering"), params.pop("limit"), params.pop("cursor", None)
        character = _character_for(user=request.user, character_id=character_id)
        scope = _memories_scope(ordering)
        if ordering == "relevance":  # the best `limit`, ranked in Python: one page only
            query = params.pop("query", None)
            memories = memory_list(character=character, **params)
            ranked = memories_rank(memories=memories, query=query, now=world_now_get().world_time, limit=limit)
            page = Page(results=ranked, next_position=None)
        else:
            keys = (ordering, "-id" if ordering.startswith("-") else "id")
            page = queryset_page(memory_list(character=character, **params), ordering=keys, after=after, limit=limit)
        results = MemoryOutputSerializer(page.results, many=True).data
        return Response(page_body(request, page, scope=scope, results=results))


def _memories_scope(ordering: str) -> str:
    return cursor_scope("memories", ordering)
