"""What players' actions set off runs after they commit: under a web server the events of a
burst of actions go together, in order, as one task; elsewhere each action's go at once."""

import time

import pytest

from tests.factories import LocationFactory, PlayerFactory, WorldClockFactory
from world import consequences
from world.models import GameEvent
from world.services import player_action_apply

pytestmark = pytest.mark.django_db(transaction=True)


def _speak(player, number):
    return player_action_apply(
        character_id=player.id, request_id=f"s{number}", action="speak", data={"text": f"line {number}"}
    )


@pytest.fixture
def sent(monkeypatch):
    calls: list[list[int]] = []
    monkeypatch.setattr(consequences, "event_consequences", lambda *, event_ids: calls.append(event_ids))
    return calls


def test_under_a_server_a_burst_of_actions_is_one_task_in_event_order(server_loop, sent):
    WorldClockFactory(seed=3)
    square = LocationFactory(name="Square")
    players = [PlayerFactory(name=f"p{n}", user__username=f"p{n}", location=square) for n in range(3)]

    acks = [_speak(player, number) for number, player in enumerate(players)]
    deadline = time.monotonic() + 5
    while not sent and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(consequences.CONSEQUENCES_GATHER_SECONDS * 3)

    assert sent == [[ack["event_id"] for ack in acks]]


def test_a_long_burst_goes_as_several_tasks_in_order(server_loop, sent, monkeypatch):
    monkeypatch.setattr(consequences, "CONSEQUENCES_PER_TASK", 2)
    WorldClockFactory(seed=3)
    player = PlayerFactory(name="p", user__username="p", location=LocationFactory(name="Square"))

    acks = [_speak(player, number) for number in range(5)]
    deadline = time.monotonic() + 5
    while sum(len(ids) for ids in sent) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)

    ids = [ack["event_id"] for ack in acks]
    assert sent == [ids[0:2], ids[2:4], ids[4:5]]


def test_without_a_server_each_action_sends_its_own_at_once(sent, django_capture_on_commit_callbacks):
    WorldClockFactory(seed=3)
    player = PlayerFactory(name="p", user__username="p", location=LocationFactory(name="Square"))

    first, second = _speak(player, 1), _speak(player, 2)

    assert sent == [[first["event_id"]], [second["event_id"]]]


def test_a_refused_action_sets_nothing_off(server_loop, sent):
    WorldClockFactory(seed=3)
    player = PlayerFactory(name="p", user__username="p", location=LocationFactory(name="Square"))

    with pytest.raises(Exception, match="say something"):
        player_action_apply(character_id=player.id, request_id="e", action="speak", data={"text": "   "})
    time.sleep(consequences.CONSEQUENCES_GATHER_SECONDS * 4)

    assert sent == [] and not GameEvent.objects.filter(type="PLAYER_SPOKE").exists()
