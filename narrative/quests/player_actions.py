"""The quest actions players send over the WebSocket (`player_action`), registered with the
world in `NarrativeConfig.ready` so the world never imports narrative:

- `{"action": "accept_quest", "quest": "<slug>"}`: take a quest on offer from a giver here;
- `{"action": "abandon_quest", "quest": "<slug>"}`: give up a quest one holds.
"""

from __future__ import annotations

from narrative.quests.services import quest_abandon, quest_accept
from world.models import Character


def player_accept_quest(*, character: Character, data: dict, tick: int) -> dict:
    return quest_accept(character=character, slug=data.get("quest"), tick=tick)


def player_abandon_quest(*, character: Character, data: dict, tick: int) -> dict:
    return quest_abandon(character=character, slug=data.get("quest"), tick=tick)
