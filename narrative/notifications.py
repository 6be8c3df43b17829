"""The narrative's lines in players' `notification` frames: `notifications_register`
(called from `narrative.apps`) registers them with `world.broadcast.register_notification`.

| event                    | to                      | e.g.                                                     |
| ------------------------ | ----------------------- | -------------------------------------------------------- |
| FACTION_RELATION_CHANGED | everyone                | The Luminari now regard the Verdant Accord as wary       |
|                          |                         | (-34): a clash at the Glass Market.                      |
| FACTION_STATUS_CHANGED   | everyone                | The Thornwake are now declining (power 29): regard for   |
|                          |                         | them has fallen by 12.                                   |
| QUEST_STEP_COMPLETED     | the quest's holder only | You completed step 2 of "The Lamp-Tithe".                |
| QUEST_COMPLETED          | the quest's holder only | You completed "The Lamp-Tithe".                          |
| QUEST_FAILED             | the quest's holder only | Time ran out for "The Lamp-Tithe".                        |
| QUEST_STARTED            | everyone                | Oren Vael sets out: Mend ties with the Thornwake. Help   |
|                          |                         | them at their side (accept_quest "mend-ties-...").       |

Standings are written with a true minus sign.
"""

from __future__ import annotations

from narrative.faction_logic import stance_label, standing_label
from narrative.faction_services import FACTION_STATUS_CHANGED
from narrative.quest_services import QUEST_COMPLETED, QUEST_FAILED, QUEST_STARTED, QUEST_STEP_COMPLETED
from narrative.services import FACTION_RELATION_CHANGED
from world.broadcast import Audience, register_notification
from world.models import GameEvent


def _mid_sentence(name: str) -> str:
    """'The Verdant Accord' → 'the Verdant Accord' (for the middle of a sentence)."""
    return "the " + name[4:] if name.startswith("The ") else name


def relation_changed_message(event: GameEvent) -> str:
    payload = event.payload
    line = (
        f"{payload.get('faction_name', 'A faction')} now regard "
        f"{_mid_sentence(payload.get('other_name', 'another'))} as {stance_label(payload.get('stance', 'neutral'))} "
        f"({standing_label(payload.get('standing', 0))})"
    )
    reason = payload.get("reason")
    return f"{line}: {reason}." if reason else f"{line}."


def status_changed_message(event: GameEvent) -> str:
    payload = event.payload
    line = f"{payload.get('faction_name', 'A faction')} are now {payload.get('status', 'changed')}"
    if payload.get("power") is not None:
        line += f" (power {payload['power']})"
    reason = payload.get("reason")
    return f"{line}: {reason}." if reason else f"{line}."


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


def notifications_register() -> None:
    register_notification(FACTION_RELATION_CHANGED, relation_changed_message)
    register_notification(FACTION_STATUS_CHANGED, status_changed_message)
    register_notification(QUEST_STEP_COMPLETED, quest_step_message, audience=Audience.CHARACTER)
    register_notification(QUEST_COMPLETED, quest_completed_message, audience=Audience.CHARACTER)
    register_notification(QUEST_FAILED, quest_failed_message, audience=Audience.CHARACTER)
    register_notification(QUEST_STARTED, quest_started_message)
