"""Quest news in players' `notification` frames: `quest_notifications_register` (called from
`narrative.apps`) registers them with `world.broadcast.register_notification`.

| event                | to                      | e.g.                                                  |
| -------------------- | ----------------------- | ----------------------------------------------------- |
| QUEST_STEP_COMPLETED | the quest's holder only | You completed step 2 of "The Lamp-Tithe".             |
| QUEST_COMPLETED      | the quest's holder only | You completed "The Lamp-Tithe".                       |
| QUEST_FAILED         | the quest's holder only | Time ran out for "The Lamp-Tithe".                    |
| QUEST_STARTED        | everyone                | Oren Vael sets out: Mend ties with the Thornwake.     |
|                      |                         | Help them at their side (accept_quest "mend-ties-..."). |
"""

from __future__ import annotations

from htrae.vocabulary import EventType
from world.broadcast import Audience, register_notification
from world.models import GameEvent


def quest_step_message(event: GameEvent) -> str:
    payload = event.payload
    return f'You completed step {payload.get("step", "?")} of "{payload.get("quest_title", "your quest")}".'


def quest_completed_message(event: GameEvent) -> str:
    return f'You completed "{event.payload.get("quest_title", "your quest")}".'


def quest_failed_message(event: GameEvent) -> str:
    return f'Time ran out for "{event.payload.get("quest_title", "your quest")}".'


def quest_started_message(event: GameEvent) -> str:
    """The world started a quest: players may join it at the holder's side."""
    payload = event.payload
    return (
        f"{payload.get('actor_name', 'Someone')} sets out: {payload.get('quest_title', 'a quest')}. "
        f'Help them at their side (accept_quest "{payload.get("quest", "")}").'
    )


def quest_notifications_register() -> None:
    register_notification(EventType.QUEST_STEP_COMPLETED, quest_step_message, audience=Audience.CHARACTER)
    register_notification(EventType.QUEST_COMPLETED, quest_completed_message, audience=Audience.CHARACTER)
    register_notification(EventType.QUEST_FAILED, quest_failed_message, audience=Audience.CHARACTER)
    register_notification(EventType.QUEST_STARTED, quest_started_message)
