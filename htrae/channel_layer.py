"""The Redis channel layer, with group sends batched into two round trips.

channels-redis's `group_send` makes four round trips to Redis for each message (drop the
group's expired members, read the members, drop each channel's expired messages, push); a
broadcast of a tick or a burst of players' actions sends several frames at once, and the
web process spent about a sixth of its time in those round trips (`bench/actions.py`
profile). `BatchingRedisChannelLayer.group_send_many` sends any number of messages to any
number of groups in two: one pipeline reads every group's members, one script pushes every
message. What a receiver gets is the same as from `group_send` one by one: channels-redis's
own member lists, keys, serialization (the `__asgi_channel__` list of local channels per
process key), capacity (a full channel drops the message, as channels-redis does) and expiry.

Order: each message is pushed with a score above the last this layer pushed, so messages to
one channel are received in the order they were sent, within a batch and across batches
(channels-redis scores by `time.time()`, and a batch would otherwise give them one score,
which Redis would order by their random prefix).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from channels_redis.core import RedisChannelLayer

# For each pushed message i (KEYS[i], ARGV[3*i-2..3*i] = message, capacity, score): drop the
# channel's expired messages, push unless full, renew the key's expiry. ARGV's last two
# values are the expiry cutoff and the expiry in seconds. Returns how many were dropped.
PUSH_MANY = """
local over_capacity = 0
local cutoff = ARGV[#ARGV - 1]
local expiry = ARGV[#ARGV]
for i = 1, #KEYS do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, cutoff)
    if redis.call('ZCARD', KEYS[i]) < tonumber(ARGV[3 * i - 1]) then
        redis.call('ZADD', KEYS[i], ARGV[3 * i], ARGV[3 * i - 2])
        redis.call('EXPIRE', KEYS[i], expiry)
    else
        over_capacity = over_capacity + 1
    end
end
return over_capacity
"""

# Two messages pushed by this layer never share a score (Redis keeps ~0.24 µs apart at
# today's epoch seconds).
SCORE_STEP = 1e-6


class BatchingRedisChannelLayer(RedisChannelLayer):
    _last_score = 0.0

    def _next_score(self) -> float:
        self._last_score = max(time.time(), self._last_score + SCORE_STEP)
        return self._last_score

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        await self.group_send_many([(group, message)])

    async def group_send_many(self, messages: Iterable[tuple[str, dict[str, Any]]]) -> int:
        """Send each message to its group, in order; returns how many deliveries were dropped
        because a channel was full."""
        messages = list(messages)
        if not messages:
            return 0
        for group, _ in messages:
            assert self.require_valid_group_name(group), "Group name not valid"
        members = await self._groups_members({group for group, _ in messages})

        # Per connection, the pushes in the order the messages were given.
        pushes: dict[int, list[tuple[bytes, bytes, int, float]]] = defaultdict(list)
        for group, message in messages:
            by_connection, serialized, capacities = self._map_channel_keys_to_connection(members[group], message)
            for index, keys in by_connection.items():
                for key in keys:
                    pushes[index].append((key, serialized[key], capacities[key], self._next_score()))

        dropped = 0
        cutoff = int(time.time()) - int(self.expiry)
        for index, batch in pushes.items():
            keys = [key for key, _, _, _ in batch]
            args: list[Any] = []
            for _, body, capacity, score in batch:
                args += [body, capacity, score]
            dropped += await self.connection(index).eval(PUSH_MANY, len(keys), *keys, *args, cutoff, int(self.expiry))
        return dropped

    async def _groups_members(self, groups: set[str]) -> dict[str, list[str]]:
        """Each group's channels (its expired members dropped first), one pipeline per Redis."""
        by_connection: dict[int, list[str]] = defaultdict(list)
        for group in sorted(groups):
            by_connection[self.consistent_hash(group)].append(group)
        cutoff = int(time.time()) - self.group_expiry
        members: dict[str, list[str]] = {}
        for index, names in by_connection.items():
            pipe = self.connection(index).pipeline(transaction=False)
            for group in names:
                key = self._group_key(group)
                pipe.zremrangebyscore(key, min=0, max=cutoff)
                pipe.zrange(key, 0, -1)
            replies = await pipe.execute()
            for position, group in enumerate(names):
                members[group] = [name.decode("utf8") for name in replies[2 * position + 1]]
        return members
