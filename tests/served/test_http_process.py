"""The Procfile's `http` process (gunicorn, WSGI) beside `web` (daphne), and the proxy in front
(`deploy/nginx.conf`) that routes `/ws/` to `web` and the rest to `http`.

gunicorn answers the API as daphne does (the same bodies, the same JSON errors, the probes);
what a request through it publishes reaches the WebSockets on daphne through Redis, send
after send (each runs on a fresh event loop there: `htrae.background.register_wsgi_server`);
behind nginx one origin serves both, and the routing is by path.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.served.harness import NGINX, ServedWorld, frame_of


def present(character_id: int):
    return lambda frame: character_id in [character["id"] for character in frame["data"]["characters"]]


@pytest.mark.redis_db(7)
def test_gunicorn_serves_the_api_as_daphne_does(world: ServedWorld):
    world.start_web()
    http = world.start_http(workers=2)
    daphne, gunicorn = world.http_base, world.http_process_base
    watcher = world.register("watcher")
    auth = {"Authorization": f"Token {watcher.token}"}

    for path in ("/api/world/time", "/api/factions", f"/api/character/{watcher.character_id}/memories"):
        by_daphne = httpx.get(daphne + path, headers=auth, timeout=10)
        by_gunicorn = httpx.get(gunicorn + path, headers=auth, timeout=10)
        assert by_gunicorn.status_code == by_daphne.status_code == 200, (path, by_gunicorn.text)
        body = by_gunicorn.json()
        expected = by_daphne.json()
        if path == "/api/world/time":  # counts down between the two requests
            body.pop("seconds_until_next_tick"), expected.pop("seconds_until_next_tick")
        assert body == expected, path

    # Bad input: the same clear JSON error, nothing changed; never a 500.
    bad = httpx.get(gunicorn + "/api/events?after=yesterday", headers=auth, timeout=10)
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/json"), bad.text
    assert bad.json() == httpx.get(daphne + "/api/events?after=yesterday", headers=auth, timeout=10).json()
    missing = httpx.get(gunicorn + "/api/no-such-thing", headers=auth, timeout=10)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found", missing.text
    assert httpx.get(gunicorn + "/api/world/time", timeout=10).status_code == 401
    assert httpx.get(gunicorn + "/healthz", timeout=10).status_code == 200
    assert httpx.get(gunicorn + "/readyz", timeout=10).status_code == 200

    async def scenario() -> None:
        async with world.websocket(watcher.token) as ws:
            await frame_of(ws, "world_update")
            # Players registered through gunicorn arrive at the start: the watcher's socket on
            # daphne sees each, the second too (channels-redis pools of a closed loop would
            # break every send after the first).
            for name in ("first-arrival", "second-arrival", "third-arrival"):
                response = await asyncio.to_thread(
                    httpx.post,
                    gunicorn + "/api/auth/register",
                    json={"username": name, "password": "lanterns-over-the-marsh"},
                    timeout=20,
                )
                assert response.status_code == 201, response.text
                await frame_of(ws, "world_update", where=present(response.json()["character"]["id"]))

    asyncio.run(scenario())
    assert http.alive()
    assert "Traceback" not in http.log(), http.log()[-3000:]


@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (.ci/run installs it)")
@pytest.mark.redis_db(7)
def test_nginx_routes_the_websocket_to_daphne_and_the_rest_to_gunicorn(world: ServedWorld):
    _, http, _ = world.start_behind_proxy(http_workers=1, TRUSTED_PROXY_COUNT="1")
    proxy_origin = world.proxy_base

    registered = httpx.post(
        proxy_origin + "/api/auth/register",
        json={"username": "through-the-proxy", "password": "lanterns-over-the-marsh"},
        timeout=20,
    )
    assert registered.status_code == 201, registered.text
    token = registered.json()["token"]
    assert "/api/auth/register" in http.log()  # gunicorn's request line: it answered

    async def play() -> None:
        async with connect(proxied(token), origin=proxy_origin, open_timeout=20, max_size=2**22) as ws:
            await frame_of(ws, "world_update")
            speech = {"action": "speak", "text": "Heard through the proxy."}
            await ws.send(json.dumps({"type": "player_action", "request_id": "proxied", "data": speech}))
            await frame_of(ws, "ack", where=lambda frame: frame.get("request_id") == "proxied")
            await frame_of(ws, "chat_message", where=lambda frame: frame["data"]["text"] == speech["text"])
            # /metrics through the proxy is the web process's: it counts this socket.
            metrics = await asyncio.to_thread(httpx.get, proxy_origin + "/metrics", timeout=10)
            assert "htrae_websocket_connections 1.0" in metrics.text, metrics.text[:2000]

    def proxied(token: str) -> str:
        return f"ws://127.0.0.1:{world.proxy_port}/ws/simulation?token={token}"

    asyncio.run(play())

    # Without gunicorn the API through the proxy is gone (502), though daphne still serves it
    # on its own port, and the WebSocket through the proxy still opens.
    http.stop()
    gone = httpx.get(proxy_origin + "/api/world/time", headers={"Authorization": f"Token {token}"}, timeout=10)
    assert gone.status_code == 502
    assert httpx.get(world.http_base + "/healthz", timeout=10).status_code == 200

    async def still_open() -> None:
        async with connect(proxied(token), origin=proxy_origin, open_timeout=20, max_size=2**22) as ws:
            await frame_of(ws, "world_update")

    asyncio.run(still_open())
