"""A player standing with Spectra sees her react at once over the WebSocket."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from rest_framework.authtoken.models import Token

from htrae.asgi import application
from spectra.defaults import emotion_table_load
from spectra.models import AppraisalRule, EmotionType
from tests.factories import CharacterFactory, LocationFactory, PathFactory, PlayerFactory, WorldClockFactory
from world.models import Character

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_channel_layer(in_memory_channel_layer):
    """Every test here starts with an empty in-memory channel layer."""


@pytest.fixture(autouse=True)
async def close_consumer_connections():
    yield
    await database_sync_to_async(lambda: connection.close())()


@pytest.fixture
def token(db):
    # Transactional tests empty every table after them, the migration's emotion table too.
    emotion_table_load(EmotionType, AppraisalRule)
    here, there = LocationFactory(name="Gardens", color="#808080"), LocationFactory(name="Market")
    PathFactory(source=here, target=there)
    WorldClockFactory()
    CharacterFactory(
        kind=Character.Kind.SPECTRA, name="Spectra", slug="spectra", location=here, emotional_state={"mood": "calm"}
    )
    player = PlayerFactory(name="wren", user__username="wren", location=here)
    return Token.objects.create(user=player.user).key


def _tinted(seen) -> bool:
    return any("resonance" in frame["data"]["location"]["environment"] for frame in seen.get("world_update", []))


async def frames_until(communicator, wanted: set[str], limit=20, *, until=lambda seen: True):
    seen = {}
    for _ in range(limit):
        if wanted <= set(seen) and until(seen):
            break
        try:
            frame = await communicator.receive_json_from(timeout=5)
        except TimeoutError as error:
            raise AssertionError(f"waited for {wanted}, saw only {sorted(seen)}") from error
        seen.setdefault(frame["type"], []).append(frame)
    return seen


async def test_speaking_to_her_moves_her_mood_and_the_light_at_once(token):
    communicator = WebsocketCommunicator(
        application, f"/ws/simulation?token={token}", headers=[(b"origin", b"http://127.0.0.1:8000")]
    )
    assert (await communicator.connect())[0]
    snapshot = await communicator.receive_json_from(timeout=5)
    assert snapshot["data"]["location"]["environment"]["color"] == "#808080"

    await communicator.send_json_to(
        {"type": "player_action", "request_id": "1", "data": {"action": "speak", "text": "Spectra, you glow!"}}
    )
    # The line itself refreshes the place first; the tint follows once her mood moved.
    seen = await frames_until(communicator, {"ack", "spectra_status_update", "world_update"}, until=_tinted)

    status = seen["spectra_status_update"][-1]["data"]
    assert status["emotional_state"]["pleasure"] > 0
    assert status["emotional_state"]["color"]["hex"].startswith("#")
    environment = seen["world_update"][-1]["data"]["location"]["environment"]
    assert environment["color"] != "#808080" and environment["resonance"]["weight"] > 0
    await communicator.disconnect()
