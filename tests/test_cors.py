"""CORS: a browser app on an origin listed in CORS_ALLOWED_ORIGINS may call the REST API (its
preflight answered without credentials); any other origin gets no Access-Control-* header at
all, so the browser keeps the answer from it. The WebSocket admits the same origins."""

import json

import pytest

from tests.factories import PlayerFactory, WorldClockFactory
from tests.test_settings_safety import STRONG_KEY, run_settings

APP = "http://localhost:5173"

# Every list and detail the API serves, and the writes: the preflight never needs a login.
API_ENDPOINTS = [
    ("/api/world/state", "GET"),
    ("/api/world/time", "GET"),
    ("/api/events?after=0", "GET"),
    ("/api/factions", "GET"),
    ("/api/lore", "GET"),
    ("/api/character/1/quests", "GET"),
    ("/api/character/1/memories", "GET"),
    ("/api/spectra/status", "GET"),
    ("/api/memory", "POST"),
    ("/api/auth/register", "POST"),
    ("/api/auth/token", "POST"),
    ("/api/no-such-endpoint", "GET"),
]


@pytest.fixture(autouse=True)
def cors_origins(settings):
    settings.CORS_ALLOWED_ORIGINS = [APP, "https://viewer.example"]


def preflight(client, path, method="GET", origin=APP):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


def cors_headers(response) -> dict[str, str]:
    return {
        name.lower(): value for name, value in response.headers.items() if name.lower().startswith("access-control-")
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method"), API_ENDPOINTS)
def test_a_preflight_from_an_allowed_origin_is_answered_without_a_login(client, path, method):
    response = preflight(client, path, method)

    assert response.status_code == 200
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == APP
    assert method in headers["access-control-allow-methods"]
    assert {"authorization", "content-type"} <= set(headers["access-control-allow-headers"].split(", "))
    assert int(headers["access-control-max-age"]) > 0
    # Tokens, not cookies: a page elsewhere never acts with a logged-in browser's session.
    assert "access-control-allow-credentials" not in headers


@pytest.mark.django_db
@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "http://localhost:5174",  # the right host, another port
        "https://localhost:5173",  # the right host and port, another scheme
        "http://localhost:5173.evil.example",  # an allowed origin as a prefix
        "http://viewer.example",  # an allowed host over http, when https is listed
        "null",  # a sandboxed frame or a file: page
    ],
)
def test_a_preflight_from_any_other_origin_gets_no_cors_header(client, origin):
    response = preflight(client, "/api/world/state", origin=origin)

    assert cors_headers(response) == {}


@pytest.mark.django_db
def test_answers_to_an_allowed_origin_carry_the_header_whatever_their_status(client):
    WorldClockFactory()
    player = PlayerFactory(name="wren", user__username="wren")
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=player.user).key

    refused = client.get("/api/world/state", HTTP_ORIGIN=APP)
    served = client.get("/api/world/state", HTTP_ORIGIN=APP, HTTP_AUTHORIZATION=f"Token {token}")
    foreign = client.get("/api/world/state", HTTP_ORIGIN="http://evil.example", HTTP_AUTHORIZATION=f"Token {token}")

    assert refused.status_code == 401 and cors_headers(refused)["access-control-allow-origin"] == APP
    assert served.status_code == 200 and cors_headers(served)["access-control-allow-origin"] == APP
    assert foreign.status_code == 200 and cors_headers(foreign) == {}  # served, but no browser may read it


@pytest.mark.django_db
def test_only_the_api_speaks_cors(client):
    for path in ("/admin/login/", "/"):
        assert cors_headers(preflight(client, path)) == {}
        assert cors_headers(client.get(path, HTTP_ORIGIN=APP)) == {}


@pytest.mark.django_db
def test_with_no_origins_set_nothing_is_shared(client, settings):
    settings.CORS_ALLOWED_ORIGINS = []

    assert cors_headers(preflight(client, "/api/world/state")) == {}


def test_the_origins_come_from_the_environment_and_may_open_the_websocket_too():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "import json; print(json.dumps(s.CORS_ALLOWED_ORIGINS)); print(json.dumps(s.WEBSOCKET_ALLOWED_ORIGINS))"
    )
    result = run_settings(
        code, CORS_ALLOWED_ORIGINS="http://localhost:5173,https://viewer.example", DEBUG="false", SECRET_KEY=STRONG_KEY
    )

    assert result.returncode == 0, result.stderr
    cors, websocket = (json.loads(line) for line in result.stdout.strip().splitlines())
    assert cors == ["http://localhost:5173", "https://viewer.example"]
    assert {"http://localhost:5173", "https://viewer.example", "http://127.0.0.1:8000"} <= set(websocket)


def test_an_explicit_websocket_list_wins_over_the_cors_origins():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps(s.WEBSOCKET_ALLOWED_ORIGINS))"
    )
    result = run_settings(
        code,
        CORS_ALLOWED_ORIGINS="http://localhost:5173",
        WEBSOCKET_ALLOWED_ORIGINS="https://only.example",
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["https://only.example"]


def test_a_malformed_origin_fails_the_system_check():
    result = run_settings(
        "import django; django.setup(); from django.core.management import call_command; call_command('check')",
        CORS_ALLOWED_ORIGINS="localhost:5173",
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
    )

    assert result.returncode != 0
    assert "corsheaders.E013" in result.stderr
