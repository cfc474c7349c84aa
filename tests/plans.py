"""The plans PostgreSQL makes for the site's queries, for tests that hold a query to its
index."""

from django.db import connection


def plan_of(queryset, without):
    """PostgreSQL's plan for the queryset (EXPLAIN, no costs), with the planner's method
    ``without`` ("seqscan", "sort") turned off: a test's few rows are read as fast by
    reading them all, or by sorting them, as by the index."""
    statement, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SET enable_{without} = off")
        try:
            cursor.execute(f"EXPLAIN (COSTS OFF) {statement}", params)
            return "\n".join(line for (line,) in cursor.fetchall())
        finally:
            cursor.execute(f"RESET enable_{without}")
