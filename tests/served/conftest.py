"""Served-mode tests start real processes against PostgreSQL and Redis (tests/served/harness.py).

They are marked `served` (and the slower fault drills `fault`), run only when the suite has
DATABASE_URL and REDIS_URL, and never touch the pytest-django test database: each world gets a
database of its own.
"""

import pytest

from tests.served.harness import served_urls, served_world

pytestmark = pytest.mark.served


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/served/" in str(item.fspath) and served_urls() is None:
            item.add_marker(pytest.mark.skip(reason="served-mode tests need DATABASE_URL (PostgreSQL) and REDIS_URL"))


@pytest.fixture
def world(tmp_path, request):
    """A fresh seeded served-mode world. A test asks for a private Redis database with
    `@pytest.mark.redis_db(N)` (default 12), so parallel runs do not share one."""
    marker = request.node.get_closest_marker("redis_db")
    with served_world(tmp_path, redis_db=marker.args[0] if marker else 12) as served:
        yield served
