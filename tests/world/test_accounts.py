"""Accounts that refuse to be unsafe: throttles, the failed-login lockout, usernames that
impersonate or look alike, weak passwords. Each test tries to break one rule."""

import logging
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

from tests.factories import CharacterFactory, UserFactory
from world.accounts import username_skeleton
from world.models import AccountName, Character

User = get_user_model()
pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "lanterns-over-the-marsh"


def register(client, username, password=GOOD_PASSWORD, **extra):
    return client.post("/api/auth/register", {"username": username, "password": password}, format="json", **extra)


def login(client, username, password=GOOD_PASSWORD, **extra):
    return client.post("/api/auth/token", {"username": username, "password": password}, format="json", **extra)


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["code"] == "throttled"
    assert body["message"]


# --- Throttles ---------------------------------------------------------------------------


def test_registrations_from_one_ip_are_throttled(api_client, starting_location, settings):
    settings.AUTH_THROTTLE_RATES = {"auth_ip": "3/min", "auth_username": "100/min"}

    answers = [register(api_client, f"wren{n}").status_code for n in range(3)]
    fourth = register(api_client, "wren3")

    assert answers == [201, 201, 201]
    assert_throttled(fourth)
    assert not User.objects.filter(username="wren3").exists()
    # Another address is not held back by the first one's count.
    assert register(api_client, "wren4", REMOTE_ADDR="10.0.0.7").status_code == 201


def test_a_forged_forwarded_for_header_does_not_reset_the_ip_count(api_client, starting_location, settings):
    settings.AUTH_THROTTLE_RATES = {"auth_ip": "2/min", "auth_username": "100/min"}

    for n in range(2):
        register(api_client, f"wren{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    assert_throttled(register(api_client, "wren2", HTTP_X_FORWARDED_FOR="203.0.113.99"))


def test_logins_for_one_username_are_throttled_across_ips(api_client, starting_location, settings):
    settings.AUTH_THROTTLE_RATES = {"auth_ip": "100/min", "auth_username": "2/min"}
    register(api_client, "wren")

    answers = [login(api_client, "wren", REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(1, 3)]
    third = login(api_client, "WREN", REMOTE_ADDR="10.0.0.3")  # case or look-alike: the same count

    assert answers == [200, 200]
    assert_throttled(third)
    assert login(api_client, "someone_else", REMOTE_ADDR="10.0.0.4").status_code == 400


def test_wrong_passwords_lock_the_username_out_even_for_the_right_one(api_client, starting_location, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    register(api_client, "wren")

    wrong = [login(api_client, "wren", "not-my-password").json()["code"] for _ in range(3)]
    right = login(api_client, "wren")

    assert wrong == ["invalid_credentials"] * 3
    assert_throttled(right)
    assert "failed logins" in right.json()["message"]


def test_a_right_password_before_the_limit_clears_the_count(api_client, starting_location, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    register(api_client, "wren")

    login(api_client, "wren", "not-my-password")
    assert login(api_client, "wren").status_code == 200
    login(api_client, "wren", "not-my-password")

    assert login(api_client, "wren").status_code == 200


def test_throttles_fail_open_when_the_cache_is_down(api_client, starting_location, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/1",  # nothing listens here
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    caplog.set_level(logging.WARNING)

    registered = register(api_client, "wren")
    logged_in = login(api_client, "wren")
    refused = login(api_client, "wren", "not-my-password")

    assert (registered.status_code, logged_in.status_code, refused.status_code) == (201, 200, 400)
    assert "cache is unavailable" in caplog.text


def test_the_admin_login_locks_out_after_repeated_failures(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="ines", is_staff=True, password="glass-and-lanterns")

    for _ in range(3):
        client.post("/admin/login/", {"username": "ines", "password": "wrong"})
    locked = client.post("/admin/login/?next=/admin/", {"username": "ines", "password": "glass-and-lanterns"})

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_admin_lockout_ignores_player_logins(api_client, starting_location, settings):
    from axes.models import AccessAttempt

    register(api_client, "wren")
    login(api_client, "wren", "not-my-password")

    assert AccessAttempt.objects.count() == 0


# --- Usernames ---------------------------------------------------------------------------


def test_usernames_are_unique_case_insensitively_in_the_database():
    User.objects.create(username="raceb0")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="RACEB0")


@pytest.mark.django_db(transaction=True)
def test_racing_registrations_of_one_name_in_three_cases_make_one_account(starting_location, settings):
    settings.AUTH_THROTTLE_RATES = {"auth_ip": "100/min", "auth_username": "100/min"}
    names = ["RaceB0", "raceb0", "RACEB0"]
    barrier = threading.Barrier(len(names))
    answers = {}

    def attempt(name):
        try:
            barrier.wait()
            answers[name] = register(APIClient(), name)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    codes = sorted(response.status_code for response in answers.values())
    assert codes == [201, 409, 409]
    for response in answers.values():
        if response.status_code == 409:
            assert response.json()["code"] == "username_taken"
    assert User.objects.count() == 1
    assert Character.objects.filter(kind=Character.Kind.PLAYER).count() == 1


@pytest.mark.parametrize(
    "name",
    [
        *("Spectra", "SPECTRA", "admin", "Administrator", "ROOT", "r00t"),
        *("staff", "moderator", "system", "Adm1n", "sys.tem"),
    ],
)
def test_reserved_names_are_refused(api_client, starting_location, name):
    response = register(api_client, name)

    assert response.status_code == 400
    assert "username" in response.json()["errors"]
    assert not User.objects.filter(username=name).exists()


@pytest.mark.parametrize("name", ["Oren_Vale", "oren.vale", "OrenVale", "0renVale"])
def test_names_of_npcs_and_spectra_are_refused(api_client, starting_location, name):
    CharacterFactory(name="Oren Vale", location=starting_location)
    CharacterFactory(name="Spectra", slug="spectra-herself", kind=Character.Kind.SPECTRA, location=starting_location)

    response = register(api_client, name)

    assert response.status_code == 400
    assert "username" in response.json()["errors"]


def test_staff_users_names_are_refused(api_client, starting_location):
    UserFactory(username="ines", is_staff=True)

    response = register(api_client, "Ines")

    assert response.status_code == 400
    assert "username" in response.json()["errors"]


@pytest.mark.parametrize(
    "look_alike",
    [
        "alic\u0435_b",  # a Cyrillic e among Latin letters
        "\u0430lice_b",  # a Cyrillic a
        "AIice_b",  # a capital I for the l
        "a1ice_b",  # a digit one for the l
        "alice.b",  # another separator
        "\uff41\uff4c\uff49\uff43\uff45_b",  # full-width letters (NFKC makes them alice_b)
    ],
)
def test_look_alikes_of_an_existing_name_are_refused(api_client, starting_location, look_alike):
    assert register(api_client, "alice_b").status_code == 201

    response = register(api_client, look_alike)

    # Refused either way: a mixed-script name is invalid (400) before it is compared (409).
    assert response.status_code in (400, 409), response.content
    assert response.json()["code"] in ("invalid", "username_taken")
    assert User.objects.count() == 1


def test_a_mixed_script_name_is_refused_even_when_nobody_has_its_look_alike(api_client, starting_location):
    response = register(api_client, "m\u0430rsh")  # a Cyrillic a

    assert response.status_code == 400
    assert "alphabets" in response.json()["errors"]["username"][0]


def test_names_are_stored_nfkc_normalised_with_their_skeleton(api_client, starting_location):
    response = register(api_client, "\uff57\uff52\uff45\uff4e")  # full-width "wren"

    assert response.status_code == 201
    user = User.objects.get()
    assert user.username == "wren"
    assert AccountName.objects.get(user=user).skeleton == username_skeleton("wren")


def test_a_name_in_one_other_script_is_welcome(api_client, starting_location):
    assert register(api_client, "\u0418\u0432\u0430\u043d").status_code == 201  # Иван, all Cyrillic


# --- Passwords ---------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["          ", "\t\t\t\t\t\t\t\t\t", " \n \n \n \n "])
def test_whitespace_only_passwords_are_refused(api_client, starting_location, password):
    response = register(api_client, "wren", password)

    assert response.status_code == 400
    assert "only whitespace" in " ".join(response.json()["errors"]["password"])
    assert not User.objects.exists()


@pytest.mark.parametrize("password", ["qwertyuiop", "iloveyou1", "sunshine"])
def test_common_passwords_are_refused(api_client, starting_location, password):
    response = register(api_client, "wren", password)

    assert response.status_code == 400
    assert "too common" in " ".join(response.json()["errors"]["password"])
    assert not User.objects.exists()
