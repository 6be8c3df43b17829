"""What PostgreSQL did to answer a query: for tests that a read looks at what it asks for, not
at the history around it."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext


def rows_read_by(call, *, reading: str = "") -> tuple[int, object]:
    """Run `call`, then EXPLAIN ANALYZE its one query (its one query that names `reading`, a
    table): the rows its scans handed up before any filter, over all their loops, and the
    plan (for the assertion's message)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as captured:
        call()
    (query,) = [query for query in captured.captured_queries if reading in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return _rows_read(plan[0]["Plan"]), plan


def _rows_read(node) -> int:
    # a scan inside a nested loop reports its rows per loop
    scanned = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
    own = scanned * node.get("Actual Loops", 1) if "Scan" in node["Node Type"] else 0
    return own + sum(_rows_read(child) for child in node.get("Plans", ()))
