"""Characters seek the one they like best when apart (an intention source of the world's
autonomy core: `world.autonomy.intentions`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from relationships.selectors import fond_regards_for
from world.autonomy.state import Intention

SEEK_AFFINITY = 0.3  # liking from which a character goes looking for someone
SEEK_WEIGHT = 0.5  # the pull of the dearest (a quest step pulls 1.0)


def friend_intentions(*, character_ids: list[int], tick: int, world_time: datetime) -> Mapping[int, list[Intention]]:
    """For each character, its dearest friend (affinity at least SEEK_AFFINITY), to be
    sought out (one query). Perception resolves where the friend stands at tick start."""
    intentions: dict[int, list[Intention]] = {}
    for holder, regard in fond_regards_for(character_ids, at_least=SEEK_AFFINITY, tick=tick).items():
        friends = [(other, opinion.affinity) for other, opinion in regard.items() if opinion.affinity >= SEEK_AFFINITY]
        if not friends:
            continue
        other, affinity = max(friends, key=lambda friend: (friend[1], -friend[0]))
        intentions[holder] = [
            Intention(reason="to see a friend", weight=round(SEEK_WEIGHT * affinity, 3), character_id=other)
        ]
    return intentions
