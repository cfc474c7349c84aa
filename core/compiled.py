"""A query's SQL compiled once per process, for queries a page asks in the same shape
every time.

Django builds and compiles a queryset anew on every call, even when only a value in it
changes (whose groups, which meeting): ~0.2 ms for a subquery, more for a UNION, and the
read rules write their subquery into most queries of a page. ``compiled_once`` compiles
the queryset once, with a mark where each value goes, and puts each call's values there.
"""

import functools

from django.contrib.auth import get_user_model
from django.db import connection

# Where the compiled SQL takes its values, the first, second, …: ids no record has, yet
# positive and below 2**31, in the range of every integer field (Django leaves a lookup
# of a value out of its field's range out of the SQL, as one that matches nothing).
MARKS = (2_107_301_733, 2_107_301_734, 2_107_301_735)


def compiled_once(build):
    """Return ``sql_for(*values)`` → (sql, params): the SQL of the queryset that
    ``build(*marks)`` makes (one mark per value, ids: MARKS), compiled once per process
    (and database vendor), with each value wherever its mark is among the parameters."""

    @functools.cache
    def compiled(vendor, count):
        marks = MARKS[:count]
        sql, params = build(*marks).query.sql_with_params()
        assert all(mark in params for mark in marks), params
        return sql, params

    def sql_for(*values):
        sql, params = compiled(connection.vendor, len(values))
        value_of = dict(zip(MARKS, values, strict=False))

        def put(param):
            if isinstance(param, int) and param in value_of:
                # On PostgreSQL a big integer field's value comes as psycopg's Int8, an
                # int of its own type: kept, with the value put in.
                return type(param)(value_of[param])
            return param

        return sql, tuple(put(param) for param in params)

    return sql_for


def compiled_for_reader(build):
    """Return ``sql_for(user, *values)`` → (sql, params): the SQL of the queryset that
    ``build(reader, *values)`` makes for a logged-in reader, compiled once per process
    (``compiled_once``) for a member, with the user's id where it goes, and once for a
    superuser, who may read every record. The read rules ask nothing else of the reader."""
    member = compiled_once(lambda pk, *values: build(get_user_model()(pk=pk), *values))
    superuser = compiled_once(lambda *values: build(get_user_model()(is_superuser=True), *values))

    def sql_for(user, *values):
        return superuser(*values) if user.is_superuser else member(user.pk, *values)

    return sql_for
