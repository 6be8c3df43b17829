"""Thin API views of the narrative app: factions and their current relations, the lore a
player may read, a character's quests, and the conversations a player may read."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from htrae.errors import DomainError
from htrae.inputs import ID_MAX, QueryIntegerField, query_input
from htrae.pagination import (
    CursorField,
    cursor_decode,
    cursor_scope,
    limit_field,
    list_page,
    page_body,
    page_serializer,
    queryset_page,
)
from htrae.schema import error_responses
from narrative.conversations.selectors import conversations_visible_qs, conversations_with_lines
from narrative.factions.relations import Stance
from narrative.factions.selectors import factions_list
from narrative.lore.selectors import lore_get, lore_list
from narrative.models import Faction, LoreEntry, QuestAssignment, QuestStep
from narrative.quests.selectors import QUEST_OFFERED, character_quests_list
from world.models import Character
from world.selectors import player_character_get, player_character_required

# --- Factions --------------------------------------------------------------------------------


@extend_schema_serializer(component_name="FactionRelationView")
class FactionRelationOutputSerializer(serializers.Serializer):
    """How the faction regards `other` now (base standing plus active modifiers)."""

    other = serializers.CharField(source="faction.slug", help_text="The other faction's slug.")
    name = serializers.CharField(source="faction.name")
    standing = serializers.IntegerField(min_value=-100, max_value=100)
    stance = serializers.ChoiceField(choices=Stance.ALL)


@extend_schema_serializer(component_name="FactionView")
class FactionOutputSerializer(serializers.Serializer):
    slug = serializers.CharField(source="faction.slug")
    name = serializers.CharField(source="faction.name")
    status = serializers.ChoiceField(source="faction.status", choices=Faction.Status.choices)
    goals = serializers.JSONField(source="faction.goals")
    power = serializers.IntegerField(source="faction.power")
    ethos = serializers.CharField(source="faction.ethos")
    color = serializers.CharField(source="faction.color")
    relations = FactionRelationOutputSerializer(many=True)


class FactionListApi(APIView):
    """Every faction and how it regards each of the others right now, by name."""

    class InputSerializer(serializers.Serializer):
        limit = limit_field(default=50, maximum=100)
        cursor = CursorField(scope="factions")

    @extend_schema(
        parameters=[InputSerializer],
        responses={
            200: page_serializer("FactionPage", FactionOutputSerializer(many=True)),
            **error_responses(400, 401, 404),
        },
        operation_id="factions_list",
    )
    def get(self, request):
        params = self.InputSerializer(data=query_input(request))
        params.is_valid(raise_exception=True)
        after, limit = params.validated_data.get("cursor"), params.validated_data["limit"]
        page = list_page(
            factions_list(), key=lambda view: (view.faction.name, view.faction.id), after=after, limit=limit
        )
        results = FactionOutputSerializer(page.results, many=True).data
        return Response(page_body(request, page, scope="factions", results=results))


class FactionDetailApi(APIView):
    """One faction and how it regards each of the others right now."""

    @extend_schema(
        responses={200: FactionOutputSerializer, **error_responses(401, 404)}, operation_id="factions_retrieve"
    )
    def get(self, request, slug: str):
        views = factions_list(slug=slug)
        if not views:
            raise DomainError(f"No faction {slug!r}.", code="not_found", status_code=404)
        return Response(FactionOutputSerializer(views[0]).data)


# --- Lore ------------------------------------------------------------------------------------


class _SlugNameSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="LoreEntryView")
class LoreEntryOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    category = serializers.ChoiceField(choices=LoreEntry.Category.choices)
    summary = serializers.CharField()
    body = serializers.CharField()
    factions = _SlugNameSerializer(many=True, source="factions.all")
    locations = _SlugNameSerializer(many=True, source="locations.all")


def _reader_character(user) -> Character | None:
    return None if user.is_staff or user.is_superuser else player_character_get(user=user)


class LoreListApi(APIView):
    """The lore the reader may see: secrets only once their character has discovered them
    (staff see everything). Filter by `search` (title, summary, body) and `category`."""

    @extend_schema_serializer(component_name="LoreListInput")
    class InputSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
        category = serializers.ChoiceField(choices=LoreEntry.Category.choices, required=False)
        limit = limit_field(default=20, maximum=100)
        cursor = CursorField(scope="lore")

    @extend_schema(
        parameters=[InputSerializer],
        responses={
            200: page_serializer("LorePage", LoreEntryOutputSerializer(many=True)),
            **error_responses(400, 401, 404),
        },
        operation_id="lore_list",
    )
    def get(self, request):
        params = self.InputSerializer(data=query_input(request))
        params.is_valid(raise_exception=True)
        data = params.validated_data
        entries = lore_list(
            user=request.user,
            character=_reader_character(request.user),
            search=data["search"].strip(),
            category=data.get("category", ""),
        )
        page = queryset_page(entries, ordering=("title", "id"), after=data.get("cursor"), limit=data["limit"])
        results = LoreEntryOutputSerializer(page.results, many=True).data
        return Response(page_body(request, page, scope="lore", results=results))


class LoreDetailApi(APIView):
    """One lore entry; an undiscovered secret answers as if it did not exist."""

    @extend_schema(
        responses={200: LoreEntryOutputSerializer, **error_responses(401, 404)}, operation_id="lore_retrieve"
    )
    def get(self, request, slug: str):
        entry = lore_get(user=request.user, character=_reader_character(request.user), slug=slug)
        if entry is None:
            raise DomainError("No such lore entry.", code="not_found", status_code=404)
        return Response(LoreEntryOutputSerializer(entry).data)


# --- Quests ----------------------------------------------------------------------------------


@extend_schema_serializer(component_name="QuestStepView")
class QuestStepOutputSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    objective = serializers.CharField()
    objective_type = serializers.ChoiceField(choices=QuestStep.Objective.choices)


@extend_schema_serializer(component_name="QuestFactionRef")
class _QuestFactionSerializer(_SlugNameSerializer):
    pass


@extend_schema_serializer(component_name="QuestGiverPlace")
class _GiverPlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="QuestGiver")
class _GiverSerializer(_GiverPlaceSerializer):
    location = _GiverPlaceSerializer(allow_null=True)


QUEST_LIST_STATUSES = [*QuestAssignment.Status.choices, (QUEST_OFFERED, "On offer (not held)")]


@extend_schema_serializer(component_name="CharacterQuest")
class CharacterQuestOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="The assignment's id (null for a quest on offer).")
    quest = serializers.CharField(source="quest.slug", help_text="The quest's slug, for accept_quest.")
    title = serializers.CharField(source="quest.title")
    description = serializers.CharField(source="quest.description")
    faction = _QuestFactionSerializer(source="quest.faction", allow_null=True)
    giver = _GiverSerializer(source="quest.giver", allow_null=True, help_text="Accept it at their side.")
    is_emergent = serializers.BooleanField(source="quest.is_emergent", help_text="Started by the world itself.")
    status = serializers.ChoiceField(choices=QUEST_LIST_STATUSES)
    step_started_tick = serializers.IntegerField(allow_null=True)
    deadline_tick = serializers.IntegerField(allow_null=True, help_text="It fails if not done by this tick.")
    current_step = QuestStepOutputSerializer(allow_null=True)
    steps = QuestStepOutputSerializer(many=True, source="quest.steps.all")


class CharacterQuestListApi(APIView):
    """A character's quests (active ones unless `status` says otherwise; `available` lists
    the quests on offer it could accept). Players may read their own character's; staff
    anyone's."""

    @extend_schema_serializer(component_name="CharacterQuestListInput")
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=QUEST_LIST_STATUSES, default=QuestAssignment.Status.ACTIVE)
        limit = limit_field(default=50, maximum=100)
        cursor = serializers.CharField(required=False, max_length=1000, help_text="The previous page's `next_cursor`.")

        def validate(self, attrs):
            # A cursor belongs to the list of one status: those lists are in different orders.
            if "cursor" in attrs:
                attrs["cursor"] = cursor_decode(attrs["cursor"], scope=_quests_scope(attrs["status"]))
            return attrs

    @extend_schema(
        parameters=[InputSerializer],
        responses={
            200: page_serializer("CharacterQuestPage", CharacterQuestOutputSerializer(many=True)),
            **error_responses(400, 401, 403, 404),
        },
        operation_id="character_quests_list",
    )
    def get(self, request, character_id: int):
        params = self.InputSerializer(data=query_input(request))
        params.is_valid(raise_exception=True)
        row = Character.objects.filter(id=character_id).values_list("id", "user_id").first()
        if row is None:
            raise DomainError(f"No character {character_id}.", code="not_found", status_code=404)
        if not (request.user.is_staff or request.user.is_superuser) and row[1] != request.user.id:
            raise DomainError(
                "You may read only your own character's quests.", code="permission_denied", status_code=403
            )
        status, after = params.validated_data["status"], params.validated_data.get("cursor")
        scope = _quests_scope(status)
        assignments = character_quests_list(character_id=character_id, status=status)
        page = list_page(assignments, key=_quest_order(status), after=after, limit=params.validated_data["limit"])
        results = CharacterQuestOutputSerializer(page.results, many=True).data
        return Response(page_body(request, page, scope=scope, results=results))


def _quests_scope(status: str) -> str:
    return cursor_scope("quests", status)


def _quest_order(status: str):
    """The order of `character_quests_list` as a key: offers newest first, assignments latest changed first."""
    if status == QUEST_OFFERED:
        return lambda offer: (-offer.quest.created_tick, offer.quest.title, offer.quest.id)
    return lambda held: (-held.updated_at.timestamp(), -held.id)


# --- Conversations ---------------------------------------------------------------------------


@extend_schema_serializer(component_name="ConversationPerson")
class _PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Character.Kind.choices)


@extend_schema_serializer(component_name="ConversationPlace")
class _PlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="ConversationLine")
class ConversationLineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    speaker = _PersonSerializer(allow_null=True, help_text="Null once the speaker is gone from the world.")
    text = serializers.CharField()
    tick = serializers.IntegerField()


@extend_schema_serializer(component_name="Conversation")
class ConversationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="conversation.id")
    topic = serializers.CharField(source="conversation.topic", help_text="Where it began, as a rule.")
    location = _PlaceSerializer(source="conversation.location", allow_null=True)
    started_tick = serializers.IntegerField(source="conversation.started_tick")
    participants = _PersonSerializer(many=True, source="conversation.participants.all")
    line_count = serializers.IntegerField(help_text="Lines said in all; `lines` holds the latest of them.")
    lines = ConversationLineOutputSerializer(many=True, help_text="The latest lines, oldest first.")


CONVERSATIONS_SCOPE = "conversations"


class ConversationListApi(APIView):
    """The conversations the player may read: those it took part in, wherever they were, and
    those held where it stands now; newest first, each with its latest lines. `with` keeps
    those a character took part in, `place` those held at a location; a filter that matches
    nothing (an unknown id) gives an empty page."""

    @extend_schema_serializer(component_name="ConversationListInput")
    class InputSerializer(serializers.Serializer):
        place = QueryIntegerField(min_value=1, max_value=ID_MAX, required=False, help_text="A location's id.")
        limit = limit_field(default=20, maximum=100)
        lines = QueryIntegerField(min_value=1, max_value=200, default=50, help_text="Latest lines per conversation.")
        cursor = CursorField(scope=CONVERSATIONS_SCOPE)

        def get_fields(self):
            # `with` is a Python keyword, so it cannot be declared as a class attribute.
            fields = super().get_fields()
            fields["with"] = QueryIntegerField(
                min_value=1, max_value=ID_MAX, required=False, help_text="A character's id."
            )
            return fields

    @extend_schema(
        parameters=[InputSerializer],
        responses={
            200: page_serializer("ConversationPage", ConversationOutputSerializer(many=True)),
            **error_responses(400, 401, 404, codes={404: ["no_character", "not_found"]}),
        },
        operation_id="conversations_list",
    )
    def get(self, request):
        params = self.InputSerializer(data=query_input(request))
        params.is_valid(raise_exception=True)
        data = params.validated_data
        character = player_character_required(user=request.user)
        conversations = conversations_visible_qs(
            character=character, with_id=data.get("with"), place_id=data.get("place")
        )
        # newest first: ids never change, so a cursor holds while conversations are added
        page = queryset_page(conversations, ordering=("-id",), after=data.get("cursor"), limit=data["limit"])
        results = conversations_with_lines(conversations=page.results, per_conversation=data["lines"])
        body = ConversationOutputSerializer(results, many=True).data
        return Response(page_body(request, page, scope=CONVERSATIONS_SCOPE, results=body))
