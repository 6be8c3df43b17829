"""Served-mode tests start real processes against PostgreSQL and Redis (tests/served/harness.py).

They are marked `served` (and the slower fault drills `fault`), run only when the suite has
DATABASE_URL and REDIS_URL, and never touch the pytest-django test database: each world gets a
database of its own. Drills that stop a server get one of their own (`private_redis`,
`private_postgres`); the embedded-mode drills need neither (SQLite, no Redis).
"""

import pytest

from tests.served.harness import PrivatePostgres, PrivateRedis, served_urls, served_world


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/served/" not in str(item.fspath) or served_urls() is not None:
            continue
        if item.get_closest_marker("embedded") is None:  # embedded drills need neither
            item.add_marker(pytest.mark.skip(reason="served-mode tests need DATABASE_URL (PostgreSQL) and REDIS_URL"))


@pytest.fixture
def world(tmp_path, request):
    """A fresh seeded served-mode world. A test asks for a private Redis database with
    `@pytest.mark.redis_db(N)` (default 12), so parallel runs do not share one."""
    marker = request.node.get_closest_marker("redis_db")
    with served_world(tmp_path, redis_db=marker.args[0] if marker else 12) as served:
        yield served


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of this test's own, which it may stop and start again."""
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def private_postgres():
    """A throwaway PostgreSQL cluster of this test's own, which it may stop and start again."""
    if not PrivatePostgres.available():
        pytest.skip(f"no initdb in {PrivatePostgres.BIN}")
    cluster = PrivatePostgres()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()
