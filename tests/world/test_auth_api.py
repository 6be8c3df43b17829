"""Registering, logging in, and the bad input that must change nothing."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from world.models import Character

User = get_user_model()
pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "lanterns-over-the-marsh"


def register(api_client, **body):
    return api_client.post("/api/auth/register", body, format="json")


def test_register_creates_user_token_and_character_at_the_start(api_client, starting_location):
    response = register(api_client, username="wren", password=GOOD_PASSWORD)

    assert response.status_code == 201, response.content
    body = response.json()
    character = Character.objects.get(id=body["character"]["id"])
    assert character.kind == Character.Kind.PLAYER
    assert character.user.username == "wren"
    assert character.location == starting_location
    assert body["character"]["location"] == {"id": starting_location.id, "slug": "gate", "name": "Gate"}
    assert body["token"] == Token.objects.get(user=character.user).key


def test_the_token_authenticates_the_player(api_client, starting_location):
    token = register(api_client, username="wren", password=GOOD_PASSWORD).json()["token"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get("/api/auth/me")

    assert response.status_code == 200
    assert response.json()["name"] == "wren"


@pytest.mark.parametrize("token", ["not-a-token", "", "x" * 41, "' OR '1'='1"])
def test_an_unknown_token_is_refused(api_client, starting_location, token):
    register(api_client, username="wren", password=GOOD_PASSWORD)

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}".strip())
    response = api_client.get("/api/world/time")

    assert response.status_code == 401
    assert response.json()["code"] in {"authentication_failed", "not_authenticated"}


def test_a_deactivated_accounts_token_is_refused(api_client, starting_location):
    token = register(api_client, username="wren", password=GOOD_PASSWORD).json()["token"]
    User.objects.filter(username="wren").update(is_active=False)

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get("/api/auth/me")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_token_and_its_account_are_read_in_one_query(api_client, starting_location, django_assert_num_queries):
    from tests.factories import WorldClockFactory

    WorldClockFactory()
    token = register(api_client, username="wren", password=GOOD_PASSWORD).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    # the token with its account, the player's id, the clock
    with django_assert_num_queries(3):
        response = api_client.get("/api/world/time")

    assert response.status_code == 200


def test_me_needs_authentication(api_client):
    response = api_client.get("/api/auth/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_token_endpoint_returns_the_same_token_for_good_credentials(api_client, starting_location):
    registered = register(api_client, username="wren", password=GOOD_PASSWORD).json()

    response = api_client.post("/api/auth/token", {"username": "wren", "password": GOOD_PASSWORD}, format="json")

    assert response.status_code == 200
    assert response.json()["token"] == registered["token"]
    assert response.json()["character"]["id"] == registered["character"]["id"]


@pytest.mark.parametrize(
    "body",
    [
        {"username": "wren", "password": "wrong-password"},
        {"username": "nobody", "password": GOOD_PASSWORD},
    ],
)
def test_token_endpoint_refuses_bad_credentials(api_client, starting_location, body):
    register(api_client, username="wren", password=GOOD_PASSWORD)

    response = api_client.post("/api/auth/token", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def assert_nothing_created():
    assert User.objects.count() == 0
    assert Character.objects.count() == 0
    assert Token.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "wren", "password": "short"}, "password"),
        ({"username": "wren", "password": "password123"}, "password"),
        ({"username": "wren", "password": "12345678901"}, "password"),
        ({"username": "wrenfeather", "password": "wrenfeather1"}, "password"),
        ({"username": "wren"}, "password"),
        ({"password": GOOD_PASSWORD}, "username"),
        ({"username": "", "password": GOOD_PASSWORD}, "username"),
        ({"username": "no spaces allowed", "password": GOOD_PASSWORD}, "username"),
        ({"username": "w" * 151, "password": GOOD_PASSWORD}, "username"),
    ],
)
def test_register_rejects_bad_fields_naming_them(api_client, starting_location, body, field):
    response = register(api_client, **body)

    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid"
    assert field in error["errors"]
    assert error["message"]
    assert_nothing_created()


@pytest.mark.parametrize("taken", ["wren", "WREN"])
def test_register_rejects_a_taken_name(api_client, starting_location, taken):
    register(api_client, username="wren", password=GOOD_PASSWORD)

    response = register(api_client, username=taken, password=GOOD_PASSWORD)

    assert response.status_code == 409
    assert response.json()["code"] == "username_taken"
    assert User.objects.count() == 1
    assert Character.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "content_type"),
    [
        ('{"username": "wren", "password": ', "application/json"),
        ("[1, 2, 3]", "application/json"),
        ("username=wren&password=x", "application/x-www-form-urlencoded"),
    ],
)
def test_register_rejects_malformed_bodies(api_client, starting_location, payload, content_type):
    response = api_client.post("/api/auth/register", payload, content_type=content_type)

    assert 400 <= response.status_code < 500
    assert response.json()["code"] in {"parse_error", "invalid", "unsupported_media_type"}
    assert_nothing_created()


def test_register_before_the_world_exists_is_refused_cleanly(api_client):
    response = register(api_client, username="wren", password=GOOD_PASSWORD)

    assert response.status_code == 503
    assert response.json()["code"] == "world_not_ready"
    assert_nothing_created()


def test_unknown_api_address_is_a_json_404(api_client):
    response = api_client.get("/api/no-such-thing")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
