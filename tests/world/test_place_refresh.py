"""Under a web server, the places players' actions touch are refreshed together: one
`world_update` per place per PLACE_REFRESH_SECONDS, the latest state, not one per action."""

import asyncio
import threading
import time

import pytest

from htrae.background import register_server_loop
from tests.factories import LocationFactory, PathFactory, PlayerFactory, WorldClockFactory
from world import broadcast
from world.services import player_action_apply

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server_loop():
    """A running loop in a thread, registered as the web server's."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    register_server_loop(loop)
    yield loop
    register_server_loop(None)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


def test_moves_under_a_server_refresh_each_place_once(server_loop, monkeypatch):
    sent: list[list] = []
    monkeypatch.setattr(broadcast, "send_frames", lambda frames, **_: sent.append(frames))
    ash, birch = LocationFactory(name="Ash"), LocationFactory(name="Birch")
    PathFactory(source=ash, target=birch)
    WorldClockFactory(seed=3)
    players = [PlayerFactory(name=f"p{n}", user__username=f"p{n}", location=ash) for n in range(3)]

    for number, player in enumerate(players):
        player_action_apply(character_id=player.id, request_id=f"m{number}", action="move", data={"to": birch.id})
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any(
        frame["type"] == "world_update" for batch in sent for _, frame in batch
    ):
        time.sleep(0.05)
    time.sleep(broadcast.PLACE_REFRESH_SECONDS * 3)

    updates = [(group, frame) for batch in sent for group, frame in batch if frame["type"] == "world_update"]
    assert sorted(group for group, _ in updates) == sorted([f"location.{ash.id}", f"location.{birch.id}"])
    birch_update = next(frame for group, frame in updates if group == f"location.{birch.id}")
    assert {c["name"] for c in birch_update["data"]["characters"]} >= {"p0", "p1", "p2"}  # the latest state


def test_without_a_server_each_action_refreshes_its_places_at_once(monkeypatch):
    sent: list[list] = []
    monkeypatch.setattr(broadcast, "send_frames", lambda frames, **_: sent.append(frames))
    ash, birch = LocationFactory(name="Ash"), LocationFactory(name="Birch")
    PathFactory(source=ash, target=birch)
    WorldClockFactory(seed=3)
    player = PlayerFactory(name="p", user__username="p", location=ash)
    player_action_apply(character_id=player.id, request_id="m", action="move", data={"to": birch.id})
    updates = [group for batch in sent for group, frame in batch if frame["type"] == "world_update"]
    assert sorted(updates) == sorted([f"location.{ash.id}", f"location.{birch.id}"])
