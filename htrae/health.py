"""`GET /api/health`: is this process able to serve the world? For load balancers and drills.

200 when the database answers and, in served mode, Redis does too; otherwise the outage
error propagates and `htrae.errors.api_exception_handler` answers 503
`{"code": "unavailable", "message": ...}`, the same answer any endpoint gives in an outage.
"""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from htrae.schema import error_responses

_redis_client: redis.Redis | None = None

HEALTH_REDIS_TIMEOUT_SECONDS = 2.0


def redis_client() -> redis.Redis:
    global _redis_client
    if _redis_client is None:  # one pool per process, made on first use
        _redis_client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_timeout=HEALTH_REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=HEALTH_REDIS_TIMEOUT_SECONDS,
        )
    return _redis_client


class HealthApi(APIView):
    """Whether the database (and in served mode, Redis) answer: 200, or 503 `unavailable`."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        responses={
            200: inline_serializer(
                "HealthOutput",
                fields={"database": serializers.CharField(), "redis": serializers.CharField()},
            ),
            **error_responses(),
        },
        operation_id="health",
    )
    def get(self, request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        redis_state = "not used"
        if settings.REDIS_URL:
            redis_client().ping()
            redis_state = "ok"
        return Response({"database": "ok", "redis": redis_state})
