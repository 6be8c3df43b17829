"""Thin API views of the spectra app: her status and her emotional history."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from htrae.errors import DomainError
from htrae.inputs import QueryIntegerField, query_input
from htrae.schema import error_responses
from memory.selectors import belief_citations, beliefs_current
from spectra.selectors import HISTORY_LIMIT, emotion_history_list, spectra_get, spectra_status_get


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
        limit = QueryIntegerField(required=False, min_value=1, max_value=HISTORY_LIMIT, default=HISTORY_LIMIT)

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
            200: inline_serializer(
                "SpectraHistoryPage",
                fields={"since": serializers.DateTimeField(), "samples": SampleSerializer(many=True)},
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
        since = query.validated_data.get("since") or timezone.now() - timedelta(hours=24)
        samples = emotion_history_list(character=spectra, since=since, limit=query.validated_data["limit"])
        return Response(
            {
                "since": serializers.DateTimeField().to_representation(since),
                "samples": self.SampleSerializer(samples, many=True).data,
            }
        )


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

    @extend_schema(
        responses={
            200: inline_serializer("SpectraBeliefs", fields={"beliefs": BeliefSerializer(many=True)}),
            **error_responses(401, 404, codes={404: ["no_spectra"]}),
        },
        operation_id="spectra_beliefs",
    )
    def get(self, request):
        spectra = spectra_get()
        if spectra is None:
            raise _no_spectra()
        beliefs = beliefs_current(character=spectra)
        cited = belief_citations(beliefs=beliefs)
        rows = [
            {
                **{name: getattr(belief, name) for name in self.BeliefSerializer().fields if name != "citations"},
                "citations": [{"id": memory.id, "content": memory.content} for memory in cited[belief.id]],
            }
            for belief in beliefs
        ]
        return Response({"beliefs": self.BeliefSerializer(rows, many=True).data})
