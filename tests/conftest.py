"""Fixtures shared by every test folder."""

import uuid

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from htrae.designers import DESIGNERS_GROUP
from tests.factories import LocationFactory, UserFactory


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def starting_location(db):
    return LocationFactory(name="Gate", slug="gate", is_starting_location=True)


@pytest.fixture
def seeded_world(db):
    """The Htrae seed world, loaded from seed/htrae.yaml."""
    from narrative.seeding.loader import seed_world

    return seed_world()


@pytest.fixture
def designer(db):
    from django.contrib.auth.models import Permission

    from htrae.designers import designers_group_grant

    designers_group_grant(Group, Permission)  # a transactional test may have emptied the tables
    user = UserFactory(username="designer", is_staff=True)
    user.groups.add(Group.objects.get(name=DESIGNERS_GROUP))
    return user


@pytest.fixture
def designer_client(client, designer):
    client.force_login(designer)
    return client


@pytest.fixture(autouse=True)
def offline_dialogue(settings):
    """Tests never call a real language model, whatever a developer's .env says, and answer
    inline rather than queueing Celery tasks no worker will take (tests that check the
    Celery path set the broker themselves)."""
    settings.DIALOGUE_API_BASE = ""
    settings.CELERY_BROKER_URL = "memory://"


@pytest.fixture(autouse=True)
def full_text_relevance(settings):
    """Memory relevance is full-text in tests, whatever a developer's .env says: the embedding
    backend's model is optional. Its tests switch it on with a small test embedder."""
    settings.MEMORY_RELEVANCE_BACKEND = "fulltext"


@pytest.fixture(autouse=True)
def websocket_frames_follow_the_schema(monkeypatch):
    """Every frame a test's WebsocketCommunicator receives must be valid against the
    protocol's JSON Schema (GET /api/schema/websocket.json), and so must every action the
    server acknowledged: a client that trusts the schema is never refused for its shape,
    and never surprised by a frame."""
    from channels.testing import WebsocketCommunicator

    from tests.frames import frame_check, parsed, server_frame_check

    receive_from, send_to = WebsocketCommunicator.receive_from, WebsocketCommunicator.send_to

    async def checked_send(self, text_data=None, bytes_data=None):
        frame = parsed(text_data)
        if isinstance(frame, dict) and isinstance(frame.get("request_id"), str):
            self.__dict__.setdefault("htrae_sent", {})[frame["request_id"]] = frame
        await send_to(self, text_data=text_data, bytes_data=bytes_data)

    async def checked_receive(self, timeout=1):
        text = await receive_from(self, timeout)
        frame = parsed(text)
        server_frame_check(frame)
        if frame["type"] == "ack" and not frame["data"].get("replayed"):
            sent = self.__dict__.get("htrae_sent", {}).get(frame["request_id"])
            assert sent is not None, f"an ack for {frame['request_id']!r}, which this client never sent"
            frame_check(sent, "client_frame")
        return text

    monkeypatch.setattr(WebsocketCommunicator, "send_to", checked_send)
    monkeypatch.setattr(WebsocketCommunicator, "receive_from", checked_receive)


@pytest.fixture
def in_memory_channel_layer(settings):
    """WebSocket tests run on the in-memory layer in every mode, so they do not depend on
    Redis timing; the one test of the Redis layer sets it explicitly."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.fixture(autouse=True)
def fresh_auth_throttles(settings):
    """Each test counts logins and registrations afresh: the throttles' cache (locmem, or
    Redis which outlives the run) is keyed under a prefix of the test's own."""
    settings.AUTH_THROTTLE_KEY_PREFIX = f"throttle-test-{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def fresh_rulebook():
    """The emotion table is cached per process; each test's database starts from its own."""
    from spectra.selectors import rulebook_forget

    rulebook_forget()
    yield
    rulebook_forget()


@pytest.fixture(autouse=True)
def close_action_thread_connections():
    """Consumers query from Channels' database thread and WebSocket actions from a pool of
    threads (world.consumers); close their connections after each test that used them, so
    the test database can be dropped at the end."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connection

    from world.consumers import ACTION_EXECUTOR, action_connections_close

    if ACTION_EXECUTOR._threads:
        action_connections_close()
    if SyncToAsync.single_thread_executor._threads:  # Channels' own database thread
        SyncToAsync.single_thread_executor.submit(lambda: connection.close()).result(10)


@pytest.fixture(autouse=True)
def fresh_action_backlog():
    """The WebSocket's back-pressure estimate is per process; each test starts it afresh."""
    from world.consumers import BACKLOG

    BACKLOG.pending, BACKLOG.mean_seconds, BACKLOG.mean_interval, BACKLOG.last_done = 0, 0.02, 0.0, 0.0
    yield


@pytest.fixture
def server_loop():
    """A running loop in a thread, registered as the web server's (htrae.background)."""
    import asyncio
    import threading

    from htrae.background import register_server_loop

    loop = asyncio.new_event_loop()
    runner = threading.Thread(target=loop.run_forever, daemon=True)
    runner.start()
    register_server_loop(loop)
    yield loop
    register_server_loop(None)
    if loop.is_running():
        loop.call_soon_threadsafe(loop.stop)
    runner.join(5)
    # Let what the stopped loop still held (the tick's sync_to_async task) finish, then close.
    pending = asyncio.all_tasks(loop)
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=5))
    loop.close()
