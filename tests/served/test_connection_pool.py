"""However many clients a web process serves, it holds at most its pool's connections to
PostgreSQL, and no request answers 500 (htrae/settings.py, DATABASE_POOL_*); one that waits
past the pool's timeout answers 503 `unavailable`, saying the server is busy.

Without the pool every ASGI request kept a connection of its own (CONN_MAX_AGE) until one
process held all of PostgreSQL's (bench/api.py: 99 of 100, "too many clients")."""

import asyncio
import json
from collections import Counter

import httpx
import pytest

from htrae.outage import BUSY_MESSAGE
from tests.served.harness import Player, ServedWorld

POOL_MAX = 3
HTTP_CLIENTS = 48
REQUESTS_EACH = 6
ACTIONS_EACH = 10


async def http_client(
    world: ServedWorld, player: Player, number: int, statuses: Counter, bodies: list | None = None
) -> None:
    paths = [
        "/api/world/state",
        "/api/world/time",
        "/api/events?after=0",
        "/api/factions",
        f"/api/character/{player.character_id}/memories",
    ]
    headers = {"Authorization": f"Token {player.token}"}
    async with httpx.AsyncClient(base_url=world.http_base, headers=headers, timeout=60) as http:
        for request in range(REQUESTS_EACH):
            response = await http.get(paths[(number + request) % len(paths)])
            statuses[response.status_code] += 1
            if bodies is not None and response.status_code >= 500:
                bodies.append(response.json())


async def websocket_client(world: ServedWorld, player: Player, answers: Counter) -> None:
    """Actions run in the web process's action threads, which borrow from the same pool."""
    async with world.websocket(player.token) as ws:
        owed = set()
        for number in range(ACTIONS_EACH):
            request_id = f"{player.username}-{number}"
            data = {"action": "speak", "text": "Who keeps the lanterns?"} if number % 2 else {"action": "wait"}
            await ws.send(json.dumps({"type": "player_action", "request_id": request_id, "data": data}))
            owed.add(request_id)
        while owed:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
            if frame.get("request_id") in owed:
                owed.discard(frame["request_id"])
                answers["ack" if frame["type"] == "ack" else frame["data"]["code"]] += 1


@pytest.mark.redis_db(12)
def test_a_crowd_of_clients_never_holds_more_connections_than_the_pool(world: ServedWorld):
    # CONN_MAX_AGE as production sets it: the pool must win over it in the web process.
    world.start_web(DATABASE_POOL_MIN_SIZE="1", DATABASE_POOL_MAX_SIZE=str(POOL_MAX), CONN_MAX_AGE="60")
    players = [world.register(f"crowd{number}") for number in range(4)]
    statuses: Counter = Counter()
    answers: Counter = Counter()

    async def crowd() -> None:
        await asyncio.gather(
            *(http_client(world, players[n % len(players)], n, statuses) for n in range(HTTP_CLIENTS)),
            *(websocket_client(world, player, answers) for player in players),
        )

    with world.connection_sampler() as sampler:
        asyncio.run(crowd())

    assert 1 <= sampler.peak <= POOL_MAX, sampler.peak
    assert statuses == Counter({200: HTTP_CLIENTS * REQUESTS_EACH}), statuses
    # Every action answered; `busy` is the action queue's own refusal, not the database's.
    assert sum(answers.values()) == len(players) * ACTIONS_EACH
    assert set(answers) <= {"ack", "busy"}, answers
    assert answers["ack"] > 0


@pytest.mark.redis_db(12)
def test_a_request_that_finds_the_pool_empty_answers_503_busy_never_500(world: ServedWorld):
    # One connection and 50 ms to wait for it: a crowd of requests must queue past that.
    world.start_web(DATABASE_POOL_MIN_SIZE="1", DATABASE_POOL_MAX_SIZE="1", DATABASE_POOL_TIMEOUT_SECONDS="0.05")
    player = world.register("queuer")
    statuses: Counter = Counter()
    bodies: list = []

    async def crowd() -> None:
        await asyncio.gather(*(http_client(world, player, n, statuses, bodies) for n in range(HTTP_CLIENTS)))

    asyncio.run(crowd())

    assert set(statuses) == {200, 503}, statuses
    assert all(body == {"code": "unavailable", "message": BUSY_MESSAGE} for body in bodies), bodies[:3]
    assert "the database connection pool is unavailable (OperationalError: couldn't get a connection" in (
        world.processes[0].log()
    )
