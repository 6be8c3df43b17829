"""Served mode's database connection pool (htrae/settings.py): what the environment builds,
Celery's processes keeping a persistent connection instead (htrae/celery.py), and an
exhausted pool answering 503 `unavailable`, never 500 (htrae/outage.py). The bound itself,
under load against a real web process, is tests/served/test_connection_pool.py."""

import json
from unittest import mock

import pytest
from django.db import OperationalError
from psycopg_pool import PoolTimeout

from htrae.outage import BUSY_MESSAGE
from tests.factories import UserFactory
from tests.test_settings_safety import STRONG_KEY, run_settings

POSTGRES = "postgres://postgres@127.0.0.1:5432/never_connected"  # settings never connect
SHOW_DATABASE = (
    "import json, django; django.setup(); from django.conf import settings; "
    "d = settings.DATABASES['default']; "
    "print(json.dumps({'pool': d.get('OPTIONS', {}).get('pool'), 'conn_max_age': d['CONN_MAX_AGE']}))"
)


def database_settings(code: str = SHOW_DATABASE, **env) -> dict:
    result = run_settings(code, **{"SECRET_KEY": STRONG_KEY, "DATABASE_URL": POSTGRES, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_served_mode_pools_connections_with_a_bound_from_the_action_threads():
    found = database_settings(WS_ACTION_THREADS="8")
    pool = {"min_size": 2, "max_size": 12, "timeout": 5.0, "reconnect_timeout": 5.0}
    assert found == {"pool": pool, "conn_max_age": 0}
    assert database_settings(WS_ACTION_THREADS="20")["pool"]["max_size"] == 24


def test_the_pool_takes_its_sizes_and_timeout_from_the_environment():
    found = database_settings(
        DATABASE_POOL_MIN_SIZE="1", DATABASE_POOL_MAX_SIZE="30", DATABASE_POOL_TIMEOUT_SECONDS="2.5", CONN_MAX_AGE="60"
    )
    # A pooled connection goes back to the pool on close: CONN_MAX_AGE applies without a pool.
    # While PostgreSQL is down, connecting is given up after the timeout, so the next request
    # tries again at once (not after the pool's doubling delays: tests/served/test_faults.py).
    pool = {"min_size": 1, "max_size": 30, "timeout": 2.5, "reconnect_timeout": 2.5}
    assert found == {"pool": pool, "conn_max_age": 0}


def test_without_the_pool_connections_persist_for_conn_max_age():
    assert database_settings(DATABASE_POOL="false", CONN_MAX_AGE="30") == {"pool": None, "conn_max_age": 30}


def test_embedded_mode_has_no_pool():
    code = SHOW_DATABASE.replace("d['CONN_MAX_AGE']", "d.get('CONN_MAX_AGE')")
    assert database_settings(code, DATABASE_URL="sqlite:////tmp/htrae-pool-test.sqlite3")["pool"] is None


@pytest.mark.parametrize(
    "sizes",
    [
        {"DATABASE_POOL_MIN_SIZE": "5", "DATABASE_POOL_MAX_SIZE": "4"},
        {"DATABASE_POOL_MIN_SIZE": "0", "DATABASE_POOL_MAX_SIZE": "0"},
        {"DATABASE_POOL_TIMEOUT_SECONDS": "0"},
    ],
)
def test_a_pool_that_could_never_serve_is_refused(sizes):
    result = run_settings(SECRET_KEY=STRONG_KEY, DATABASE_URL=POSTGRES, **sizes)

    assert result.returncode != 0
    assert "DATABASE_POOL_MIN_SIZE must be at most DATABASE_POOL_MAX_SIZE" in result.stderr


@pytest.mark.parametrize("signal", ["celeryd_init", "beat_init"])
def test_celery_processes_keep_a_persistent_connection_instead_of_the_pool(signal):
    # What a worker (or Beat) does as it starts, before it forks or connects.
    code = (
        "import json, django; django.setup(); import htrae.celery; from celery import signals; "
        f"signals.{signal}.send(sender='test'); " + SHOW_DATABASE.split("django.setup(); ", 1)[1]
    )
    assert database_settings(code, CONN_MAX_AGE="45") == {"pool": None, "conn_max_age": 45}


@pytest.mark.django_db
def test_an_exhausted_pool_answers_503_busy_not_500(api_client):
    api_client.force_authenticate(UserFactory())
    try:  # as Django raises it: psycopg_pool's timeout wrapped in Django's OperationalError
        raise PoolTimeout("couldn't get a connection after 5.00 sec")
    except PoolTimeout as timeout:
        exhausted = OperationalError(str(timeout))
        exhausted.__cause__ = timeout

    with mock.patch("world.api.player_character_id_required", side_effect=exhausted):
        response = api_client.get("/api/world/time")

    assert response.status_code == 503
    assert response.json() == {"code": "unavailable", "message": BUSY_MESSAGE}
    assert response["Retry-After"]
