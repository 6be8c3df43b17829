"""Under a web server, the places players' actions touch are refreshed together: one
`world_update` per place per PLACE_REFRESH_SECONDS, the latest state, not one per action."""

import time

import pytest

from tests.factories import LocationFactory, PathFactory, PlayerFactory, WorldClockFactory
from world import broadcast
from world.services import player_action_apply

pytestmark = pytest.mark.django_db(transaction=True)


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


def test_a_refresh_due_on_a_stopped_server_does_not_stall_the_next_one():
    """A flush scheduled on a server loop that stops before it fires never runs; the next
    server's refreshes must not wait behind it forever (they once did, for the whole process)."""
    import asyncio
    import threading

    from htrae.background import Coalescer, register_server_loop

    flushed: list[list] = []
    refresher = Coalescer(flushed.append, delay=0.05, name="test refresh")

    def serve_then(work, *, stop_first: bool) -> None:
        loop = asyncio.new_event_loop()
        runner = threading.Thread(target=loop.run_forever, daemon=True)
        runner.start()
        register_server_loop(loop)
        try:
            work()
            if stop_first:  # the server stops before the delay is up
                loop.call_soon_threadsafe(loop.stop)
                runner.join(5)
            else:
                deadline = time.monotonic() + 5
                while not flushed and time.monotonic() < deadline:
                    time.sleep(0.02)
        finally:
            register_server_loop(None)
            if loop.is_running():
                loop.call_soon_threadsafe(loop.stop)
            runner.join(5)
            loop.close()

    serve_then(lambda: refresher.add([("ash", 1)]), stop_first=True)
    serve_then(lambda: refresher.add([("birch", 2)]), stop_first=False)

    assert flushed == [[("birch", 2)]]  # the stopped server's item went with it
