"""A query's SQL compiled once per process, for queries a page asks in the same shape
every time.

Django builds and compiles a queryset anew on every call, even when only a value in it
changes (whose groups, which meeting): ~0.2 ms for a subquery, more for a UNION, and the
read rules write their subquery into most queries of a page. ``compiled_once`` compiles
the queryset once, with a mark where the value goes, and puts each call's value there.
"""

import functools

from django.db import connection

MARK = -7_301_733  # an id no record has: where the compiled SQL takes its value


def compiled_once(build):
    """Return ``sql_for(value)`` → (sql, params): the SQL of the queryset that
    ``build(MARK)`` makes, compiled once per process (and database vendor), with
    ``value`` wherever MARK is among its parameters."""

    @functools.cache
    def compiled(vendor):
        sql, params = build(MARK).query.sql_with_params()
        assert MARK in params, params
        return sql, params

    def sql_for(value):
        sql, params = compiled(connection.vendor)
        return sql, tuple(value if param == MARK else param for param in params)

    return sql_for
