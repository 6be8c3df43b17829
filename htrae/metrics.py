"""Prometheus metrics (`GET /metrics`, text exposition format), for operators and the benchmarks.

Two kinds:
- this process's own counters and histograms (`prometheus_client`'s default registry), bumped
  where things happen: actions acknowledged and their latency, errors sent by code, WebSockets
  open, frames sent and frames that failed to go, lock conflicts, ticks run here and their time,
  step by step (`htrae_tick_phase_seconds`: clock, load, plan, apply, then each registered phase);
- the world's state read from the database at each scrape (`WorldCollector`, four queries):
  the tick, seconds since it ran, paused or not, characters by kind, the event log's last id,
  what the retention policy dropped, and the last tick's record (duration, characters, events,
  the time of each step).
  Every process shows the same world; scrape each web process for its own counters (in served
  mode the tick runs in Celery workers, whose figures reach operators through its record here).

`METRICS_TOKEN`, when set, must come as `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hmac
import time

from django.conf import settings
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

ACK_SECONDS = Histogram(
    "htrae_action_ack_seconds",
    "From a player_action's arrival to its ack, in this web process.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
WS_ERRORS = Counter("htrae_websocket_errors_total", "error frames sent to clients, by code", ["code"])
WS_CONNECTIONS = Gauge("htrae_websocket_connections", "WebSockets open in this process")
FRAMES_SENT = Counter("htrae_frames_sent_total", "frames handed to the channel layer, by type", ["type"])
FRAME_SENDS_FAILED = Counter("htrae_frame_sends_failed_total", "batches of frames that could not be sent")
LOCK_CONFLICTS = Counter(
    "htrae_lock_conflicts_total", "deadlocks and serialisation failures met, by outcome", ["outcome"]
)
TICKS = Counter("htrae_ticks_total", "tick attempts in this process, by outcome", ["outcome"])
TICK_SECONDS = Histogram(
    "htrae_tick_seconds", "the ticks this process ran", buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
)
TICK_PHASE_SECONDS = Histogram(
    "htrae_tick_phase_seconds",
    "the steps of the ticks this process ran: clock, load, plan, apply, then each registered phase",
    ["phase"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
TICK_BROADCAST_SECONDS = Histogram(
    "htrae_tick_broadcast_seconds",
    "after a tick's work: its commit, building its frames, handing them to the channel layer",
    ["stage"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
TICK_EVENTS = Gauge("htrae_tick_events", "events of the last tick this process ran")
TICK_CHARACTERS = Gauge("htrae_tick_characters", "characters of the last tick this process ran")
TICK_SHARES = Counter(
    "htrae_tick_shares_total",
    "shares of a fanned-out tick's batches (world.tick_fanout), by who planned them: a worker, or this process",
    ["planned_by"],
)


def tick_observe(result) -> None:
    """A `world.tick.TickResult`: counted, and timed if it ran."""
    TICKS.labels(outcome="ran" if result.ran else (result.skipped or "skipped")).inc()
    if result.ran:
        TICK_SECONDS.observe(result.seconds)
        for phase, seconds in result.phases.items():
            TICK_PHASE_SECONDS.labels(phase=phase).observe(seconds)
        TICK_EVENTS.set(result.events)
        TICK_CHARACTERS.set(result.characters)


def tick_broadcast_observe(*, commit: float, build: float, send: float) -> None:
    for stage, seconds in (("commit", commit), ("build", build), ("send", send)):
        TICK_BROADCAST_SECONDS.labels(stage=stage).observe(seconds)


def tick_share_observe(planned_by: str) -> None:
    """A share of a tick's batches sent to Celery, planned by "worker" or taken back by the
    "coordinator"."""
    TICK_SHARES.labels(planned_by=planned_by).inc()


class WorldCollector:
    """The world's state, read at each scrape (four queries)."""

    def describe(self):
        return []  # registering must not query the database (it collects to learn names otherwise)

    def collect(self):
        from world.models import Character, GameEvent, TickRecord, WorldClock

        clock = WorldClock.objects.filter(id=WorldClock.SINGLETON_ID).first()
        if clock is not None:
            yield GaugeMetricFamily("htrae_world_tick", "the last tick completed", value=clock.tick)
            yield GaugeMetricFamily("htrae_world_paused", "1 while the world is paused", value=int(clock.paused))
            if clock.last_tick_at is not None:
                age = time.time() - clock.last_tick_at.timestamp()
                yield GaugeMetricFamily("htrae_world_tick_age_seconds", "seconds since the last tick", value=age)
            yield GaugeMetricFamily(
                "htrae_world_tick_interval_seconds", "the tick interval", value=clock.tick_interval_seconds
            )
            yield GaugeMetricFamily(
                "htrae_history_pruned_through",
                "the last event id dropped by retention",
                value=clock.history_pruned_through,
            )
        characters = GaugeMetricFamily("htrae_world_characters", "active characters, by kind", labels=["kind"])
        for kind, count in Character.objects.filter(is_active=True).values_list("kind").annotate(n=Count("id")):
            characters.add_metric([kind], count)
        yield characters
        last = GameEvent.objects.aggregate(last=Max("id"))["last"] or 0
        yield GaugeMetricFamily("htrae_events_last_id", "the event log's last id", value=last)
        # The last tick, wherever it ran (a Celery worker in served mode): its record.
        record = (
            TickRecord.objects.order_by("-tick").values_list("duration_ms", "characters", "events", "phases_ms").first()
        )
        if record is not None:
            duration_ms, acted, events, phases_ms = record
            yield GaugeMetricFamily(
                "htrae_world_last_tick_seconds", "the last tick's duration", value=duration_ms / 1000
            )
            yield GaugeMetricFamily("htrae_world_last_tick_characters", "characters who acted", value=acted)
            yield GaugeMetricFamily("htrae_world_last_tick_events", "events the last tick published", value=events)
            phases = GaugeMetricFamily(
                "htrae_world_last_tick_phase_seconds", "the last tick's steps, wherever it ran", labels=["phase"]
            )
            for phase, ms in phases_ms:
                phases.add_metric([phase], ms / 1000)
            yield phases


_WORLD = WorldCollector()
REGISTRY.register(_WORLD)


def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return JsonResponse(
                {"code": "not_authenticated", "message": "Send Authorization: Bearer <METRICS_TOKEN>."}, status=401
            )
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
