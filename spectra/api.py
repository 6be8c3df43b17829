"""Thin API views of the spectra app: her status and her emotional history."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from htrae.errors import DomainError
from htrae.inputs import query_input
from htrae.pagination import CursorField, limit_field, page_body, page_serializer, queryset_page
from htrae.schema import error_responses
from memory.selectors import BELIEF_ORDER, belief_citations, beliefs_current_qs
from spectra.selectors import HISTORY_LIMIT, emotion_history_qs, spectra_get, spectra_status_get

HISTORY_SCOPE = "spectra-history"


def _no_spectra() -> DomainError:
    return DomainError("Spectra is not in this world yet.", code="no_spectra", status_code=404)


_Color = inline_serializer(
    "MoodRing",
    fields={"hex": serializers.CharField(), "hue": serializers.IntegerField(), "intensity": serializers.FloatField()},
)


class SpectraStatusApi(APIView):
    """Spectra now: her emotional state and mood ring, what she is doing and thinking, her
    goals, and where she is (the same as the WebSocket's `spectra_status_update`)."""

    @extend_schema_serializer(component_name="SpectraStatus")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        tick = serializers.IntegerField()
        emotional_state = inline_serializer(
            "EmotionalState",
            fields={
                "mood": serializers.CharField(),
                "intensity": serializers.FloatField(),
                "pleasure": serializers.FloatField(),
                "arousal": serializers.FloatField(),
                "dominance": serializers.FloatField(),
                "color": _Color,
            },
        )
        expression = inline_serializer(
            "Expression",
            fields={
                "behaviour": serializers.CharField(),
                "text": serializers.CharField(),
                "mood": serializers.CharField(),
                "tick": serializers.IntegerField(),
            },
            allow_null=True,
        )
        thoughts = inline_serializer(
            "Thought",
            many=True,
            fields={
                "text": serializers.CharField(),
                "about": serializers.CharField(),
                "mood": serializers.CharField(),
                "tick": serializers.IntegerField(),
            },
        )
        goals = inline_serializer(
            "SpectraGoal",
            many=True,
            fields={
                "id": serializers.IntegerField(),
                "title": serializers.CharField(),
                "priority": serializers.IntegerField(),
                "progress": serializers.FloatField(),
            },
        )
        location = inline_serializer(
            "SpectraLocation",
            fields={"id": serializers.IntegerField(), "slug": serializers.CharField(), "name": serializers.CharField()},
        )
        energy = serializers.FloatField()

    @extend_schema(
        responses={200: OutputSerializer, **error_responses(401, 404, codes={404: ["no_spectra"]})},
        operation_id="spectra_status",
    )
    def get(self, request):
        status = spectra_status_get()
        if status is None:
            raise _no_spectra()
        return Response(self.OutputSerializer(status).data)


class SpectraHistoryApi(APIView):
    """Spectra's emotional arc since a moment (default: the last 24 hours), oldest first:
    one sample per tick, with what moved her."""

    class InputSerializer(serializers.Serializer):
        since = serializers.DateTimeField(required=False, help_text="ISO 8601; default: 24 hours ago.")
        limit = limit_field(default=HISTORY_LIMIT, maximum=HISTORY_LIMIT)
        cursor = CursorField(scope=HISTORY_SCOPE)

    @extend_schema_serializer(component_name="EmotionSample")
    class SampleSerializer(serializers.Serializer):
        tick = serializers.IntegerField()
        world_time = serializers.DateTimeField()
        timestamp = serializers.DateTimeField()
        mood = serializers.CharField()
        pleasure = serializers.FloatField()
        arousal = serializers.FloatField()
        dominance = serializers.FloatField()
        intensity = serializers.FloatField()
        cause = serializers.CharField()

    @extend_schema(
        parameters=[InputSerializer],
        responses={
            200: page_serializer(
                "SpectraHistoryPage",
                SampleSerializer(many=True),
                since=serializers.DateTimeField(help_text="The start of the arc (the next page keeps it)."),
            ),
            **error_responses(400, 401, 404, codes={404: ["no_spectra"]}),
        },
        operation_id="spectra_history",
    )
    def get(self, request):
        query = self.InputSerializer(data=query_input(request))
        query.is_valid(raise_exception=True)
        spectra = spectra_get()
        if spectra is None:
            raise _no_spectra()
        data = query.validated_data
        since = data.get("since") or timezone.now() - timedelta(hours=24)
        page = queryset_page(
            emotion_history_qs(character=spectra, since=since),
            ordering=("timestamp", "id"),
            after=data.get("cursor"),
            limit=data["limit"],
        )
        since_text = serializers.DateTimeField().to_representation(since)
        results = self.SampleSerializer(page.results, many=True).data
        # The next page starts where this one began, not 24 hours before whenever it is asked for.
        body = page_body(request, page, scope=HISTORY_SCOPE, results=results, since=since_text)
        if body["next"]:
            body["next"] = replace_query_param(body["next"], "since", since_text)
        return Response(body)


class SpectraBeliefsApi(APIView):
    """What Spectra has come to believe (her reflections' beliefs, surest first), each with
    the memories it came from that she still holds. NPCs' beliefs are in the admin only."""

    @extend_schema_serializer(component_name="SpectraBelief")
    class BeliefSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        statement = serializers.CharField()
        subject_kind = serializers.CharField()
        subject_name = serializers.CharField()
        stance = serializers.CharField()
        confidence = serializers.FloatField()
        revision = serializers.CharField(help_text="formed, strengthened, weakened or overturned")
        origin = serializers.CharField(help_text="offline (rules) or model")
        tick = serializers.IntegerField()
        previous_id = serializers.IntegerField(allow_null=True, help_text="The belief this one revised.")
        citations = inline_serializer(
            "BeliefCitation",
            many=True,
            fields={"id": serializers.IntegerField(), "content": serializers.CharField()},
        )

    class InputSerializer(serializers.Serializer):
        limit = limit_field(default=50, maximum=100)
        cursor = CursorField(scope="spectra-beliefs")

    @extend_schema(
        parameters=[InputSerializer],
        responses={
            200: page_serializer("SpectraBeliefs", BeliefSerializer(many=True)),
            **error_responses(400, 401, 404, codes={404: ["no_spectra"]}),
        },
        operation_id="spectra_beliefs",
    )
    def get(self, request):
        query = self.InputSerializer(data=query_input(request))
        query.is_valid(raise_exception=True)
        spectra = spectra_get()
        if spectra is None:
            raise _no_spectra()
        page = queryset_page(
            beliefs_current_qs(character=spectra),
            ordering=BELIEF_ORDER,
            after=query.validated_data.get("cursor"),
            limit=query.validated_data["limit"],
        )
        beliefs = page.results
        cited = belief_citations(beliefs=beliefs)
        rows = [
            {
                **{name: getattr(belief, name) for name in self.BeliefSerializer().fields if name != "citations"},
                "citations": [{"id": memory.id, "content": memory.content} for memory in cited[belief.id]],
            }
            for belief in beliefs
        ]
        return Response(
            page_body(request, page, scope="spectra-beliefs", results=self.BeliefSerializer(rows, many=True).data)
        )
