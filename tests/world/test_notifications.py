"""The notification registry of `world.broadcast`: which events become `notification` frames,
to whom, and how many."""

import pytest

from tests.factories import CharacterFactory, LocationFactory, PlayerFactory
from world import broadcast
from world.broadcast import (
    NOTIFICATIONS_PER_TICK,
    WORLD_GROUP,
    Audience,
    character_group,
    notification_frames,
    register_notification,
    tick_frames,
)
from world.models import GameEvent


@pytest.fixture(autouse=True)
def own_registry(monkeypatch):
    """Each test registers into a copy, so the app's registrations are left as they were."""
    monkeypatch.setattr(broadcast, "_notices", dict(broadcast._notices))


def event(type, *, id=1, **payload):
    return GameEvent(id=id, type=type, tick=3, payload=payload)


def test_the_worlds_own_notifications_are_registered():
    frames = notification_frames([event("SPECTRA_MOVED", to_name="the Sunspire"), event("NPC_MOVED")])
    assert frames == [
        (
            WORLD_GROUP,
            {
                "type": "notification",
                "tick": 3,
                "event_id": 1,
                "data": {
                    "event_id": 1,
                    "tick": 3,
                    "event_type": "SPECTRA_MOVED",
                    "location_id": None,
                    "message": "Spectra has arrived at the Sunspire.",
                },
            },
        )
    ]


def test_a_registered_type_goes_to_everyone_and_none_means_no_frame():
    register_notification("COMET_SEEN", lambda e: f"A comet over {e.payload['where']}!" if e.payload else None)

    frames = notification_frames([event("COMET_SEEN", where="the Rim"), event("COMET_SEEN", id=2)])

    assert [(group, frame["data"]["message"]) for group, frame in frames] == [(WORLD_GROUP, "A comet over the Rim!")]


@pytest.mark.django_db
def test_a_character_audience_reaches_only_that_player():
    here = LocationFactory()
    wren, npc = PlayerFactory(location=here), CharacterFactory(location=here)
    register_notification("PRIZE_WON", lambda e: "You won.", audience=Audience.CHARACTER)

    frames = notification_frames(
        [
            event("PRIZE_WON", id=1, character_id=wren.id),
            event("PRIZE_WON", id=2, character_id=npc.id),  # nobody listens on an NPC's group
            event("PRIZE_WON", id=3),  # names no one
        ]
    )

    assert [(group, frame["event_id"]) for group, frame in frames] == [(character_group(wren.id), 1)]


@pytest.mark.django_db
def test_at_most_a_few_per_group_and_a_failing_line_silences_only_itself():
    wren, tam = PlayerFactory(), PlayerFactory()
    register_notification("PRIZE_WON", lambda e: "You won.", audience=Audience.CHARACTER)
    register_notification("BROKEN", lambda e: e.payload["missing"])
    register_notification("COMET_SEEN", lambda e: "A comet!")

    events = [event("BROKEN", id=0)]
    events += [event("COMET_SEEN", id=n) for n in range(1, 10)]
    events += [event("PRIZE_WON", id=n, character_id=wren.id) for n in range(10, 20)]
    events += [event("PRIZE_WON", id=20, character_id=tam.id)]
    frames = notification_frames(events)

    groups = [group for group, _ in frames]
    assert groups.count(WORLD_GROUP) == NOTIFICATIONS_PER_TICK
    assert groups.count(character_group(wren.id)) == NOTIFICATIONS_PER_TICK
    assert groups.count(character_group(tam.id)) == 1
    assert 0 not in {frame["event_id"] for _, frame in frames}
    assert [frame["event_id"] for group, frame in frames if group == WORLD_GROUP] == [1, 2, 3, 4, 5]


def test_an_unknown_audience_is_refused():
    with pytest.raises(ValueError, match="audience"):
        register_notification("COMET_SEEN", lambda e: "A comet!", audience="location")


@pytest.mark.django_db
def test_a_tick_sends_registered_notifications():
    register_notification("COMET_SEEN", lambda e: "A comet!")
    frames = tick_frames(3, [event("COMET_SEEN")])
    assert [(group, frame["type"]) for group, frame in frames] == [(WORLD_GROUP, "notification")]
