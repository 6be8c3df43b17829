"""`htrae.channel_layer.BatchingRedisChannelLayer` against a real Redis: a batch of group
sends reaches exactly whom channels-redis's own `group_send` reaches, in order, with its
capacity and expiry rules."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from htrae.channel_layer import BatchingRedisChannelLayer

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")


@pytest.fixture
async def layer():
    layer = BatchingRedisChannelLayer(hosts=[os.environ["REDIS_URL"]], prefix=f"test-{uuid.uuid4().hex}", capacity=50)
    yield layer
    await layer.flush()
    await layer.close_pools()


async def received(layer, channel: str, count: int) -> list[dict]:
    return [await asyncio.wait_for(layer.receive(channel), 2) for _ in range(count)]


async def nothing_more(layer, channel: str) -> bool:
    try:
        await asyncio.wait_for(layer.receive(channel), 0.3)
    except TimeoutError:
        return True
    return False


async def test_a_batch_reaches_each_groups_members_in_the_order_sent(layer):
    ann, bo, cy = [await layer.new_channel() for _ in range(3)]
    await layer.group_add("place.1", ann)
    await layer.group_add("place.1", bo)
    await layer.group_add("place.2", bo)
    await layer.group_add("place.2", cy)

    sent = [("place.1", {"type": "frame", "n": 1}), ("place.2", {"type": "frame", "n": 2})]
    sent += [("place.1", {"type": "frame", "n": n}) for n in range(3, 40)]
    assert await layer.group_send_many(sent) == 0

    groups_of = {ann: {"place.1"}, bo: {"place.1", "place.2"}, cy: {"place.2"}}
    expected = {
        channel: [message["n"] for group, message in sent if group in groups_of[channel]] for channel in groups_of
    }
    for channel in (ann, bo, cy):
        got = await received(layer, channel, len(expected[channel]))
        assert [message["n"] for message in got] == expected[channel]
        assert await nothing_more(layer, channel)


async def test_order_holds_across_batches_and_single_sends(layer):
    ann = await layer.new_channel()
    await layer.group_add("place.1", ann)
    for n in range(30):
        if n % 3:
            await layer.group_send("place.1", {"type": "frame", "n": n})
        else:
            await layer.group_send_many([("place.1", {"type": "frame", "n": n}), ("place.9", {"type": "x"})])
    assert [message["n"] for message in await received(layer, ann, 30)] == list(range(30))


async def test_a_full_channel_drops_what_is_past_its_capacity(layer):
    small = BatchingRedisChannelLayer(hosts=[os.environ["REDIS_URL"]], prefix=layer.prefix + "-small", capacity=3)
    try:
        ann = await small.new_channel()
        await small.group_add("place.1", ann)
        dropped = await small.group_send_many([("place.1", {"type": "frame", "n": n}) for n in range(5)])
        assert dropped == 2
        assert [message["n"] for message in await received(small, ann, 3)] == [0, 1, 2]
        assert await nothing_more(small, ann)
    finally:
        await small.flush()
        await small.close_pools()


async def test_an_expired_group_member_is_not_sent_to(layer):
    ann, bo = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("place.1", ann)
    await layer.group_add("place.1", bo)
    # bo joined long ago and never renewed: past the group expiry, as channels-redis counts it
    connection = layer.connection(layer.consistent_hash("place.1"))
    await connection.zadd(layer._group_key("place.1"), {bo: 1})

    await layer.group_send_many([("place.1", {"type": "frame", "n": 1})])

    assert [message["n"] for message in await received(layer, ann, 1)] == [1]
    assert await nothing_more(layer, bo)
    assert await connection.zscore(layer._group_key("place.1"), bo) is None


async def test_an_empty_batch_and_an_empty_group_send_nothing(layer):
    assert await layer.group_send_many([]) == 0
    assert await layer.group_send_many([("nobody.here", {"type": "frame"})]) == 0
