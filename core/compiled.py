"""A query's SQL compiled once per process, for queries a page asks in the same shape
every time.

Django builds and compiles a queryset anew on every call, even when only a value in it
changes (whose groups, which meeting): ~0.2 ms for a subquery, more for a UNION, and the
read rules write their subquery into most queries of a page. ``compiled_once`` compiles
the queryset once, with a mark where each value goes, and puts each call's values there;
``compiled_rows`` and ``compiled_records`` make the rows of such SQL into values or
records, as the queryset would.
"""

import functools

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.query import get_related_populators

# Where the compiled SQL takes its values, the first, second, …: ids no record has, yet
# positive and below 2**31, in the range of every integer field (Django leaves a lookup
# of a value out of its field's range out of the SQL, as one that matches nothing).
# Up to a hundred: a page's ids (``paper__in=ids``) are a value each.
MARKS = tuple(range(2_107_301_733, 2_107_301_733 + 100))


def compiled_once(build):
    """Return ``sql_for(*values)`` → (sql, params): the SQL of the queryset that
    ``build(*marks)`` makes (one mark per value, ids: MARKS), compiled once per process
    (and database vendor), with each value wherever its mark is among the parameters."""

    @functools.cache
    def compiled(vendor, count):
        marks = MARKS[:count]
        sql, params = build(*marks).query.sql_with_params()
        assert all(mark in params or str(mark) in params for mark in marks), params
        return sql, params

    def sql_for(*values):
        sql, params = compiled(connection.vendor, len(values))
        value_of = dict(zip(MARKS, values, strict=False))
        # A text field's value (a slug) comes as its mark's digits.
        value_of.update(zip(map(str, MARKS), values, strict=False))

        def put(param):
            if isinstance(param, int) and param in value_of:
                # On PostgreSQL a big integer field's value comes as psycopg's Int8, an
                # int of its own type: kept, with the value put in.
                return type(param)(value_of[param])
            if isinstance(param, str) and param in value_of:
                return value_of[param]
            return param

        return sql, tuple(put(param) for param in params)

    return sql_for


def _compiler(queryset):
    """The compiler of a queryset, its SQL made (which fills in what its columns are)."""
    compiler = queryset.query.get_compiler(connection=connection)
    compiler.as_sql()
    return compiler


def compiled_rows(build):
    """Return ``rows_for(*values)`` → the rows (tuples) of the ``values_list()`` queryset
    that ``build(*marks)`` makes, its SQL compiled once per process (``compiled_once``).
    Each value is converted as the queryset converts it (a date or a decimal on SQLite
    comes as text or a float from the database). ``rows_for(…, page=(offset, limit))``
    reads one page of the rows: Django writes a slice's numbers into the SQL, so the
    unsliced SQL is compiled once and a page's LIMIT and OFFSET are written after it.
    Not as parameters: PostgreSQL plans a statement once for all its parameters (a
    generic plan) only where that plan is as cheap as one made for the values, and with
    an unknown LIMIT it reckons on reading a tenth of the table; it planned the paper
    list anew on every call instead (0.2-0.4 ms)."""
    sql_for = compiled_once(build)

    @functools.cache
    def shape(vendor, count):
        compiler = _compiler(build(*MARKS[:count]))
        columns = [column for column, *_ in compiler.select[: compiler.col_count]]
        return compiler, compiler.get_converters(columns)

    def rows_for(*values, page=None):
        compiler, converters = shape(connection.vendor, len(values))
        sql, params = sql_for(*values)
        if page is not None:
            offset, limit = page
            sql = f"{sql} LIMIT {int(limit)} OFFSET {int(offset)}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [tuple(row) for row in rows]

    return rows_for


def compiled_count(build):
    """Return ``count_for(*values)`` → the number of rows of the queryset that
    ``build(*marks)`` makes, as its ``count()`` gives, its SQL compiled once per process
    (``compiled_once``) and counted as Django counts a grouped or distinct queryset: in a
    subquery."""
    sql_for = compiled_once(lambda *marks: build(*marks).order_by())

    def count_for(*values):
        sql, params = sql_for(*values)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) subquery", params)
            return cursor.fetchone()[0]

    return count_for


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


def compiled_records(build, for_reader=False):
    """Return ``records_for(*values)`` → [record]: what ``list(build(*values))`` gives,
    its SQL compiled once per process (``compiled_once``) and its rows made into records,
    with those its select_related() reads, as Django's ModelIterable makes them. With
    for_reader: ``records_for(user, *values)``, of ``build(reader, *values)`` for a
    logged-in reader (``compiled_for_reader``). For a lookup asked on every request (a
    page's meeting, with its group and paper), building and compiling the queryset is
    most of its Python."""
    sql_for = (compiled_for_reader if for_reader else compiled_once)(build)
    reader = (get_user_model()(is_superuser=True),) if for_reader else ()

    @functools.cache
    def shape(vendor, count):
        # Which columns make which record: the same for every reader (their rule is a
        # WHERE), read from the compiler as ModelIterable reads it.
        compiler = _compiler(build(*reader, *MARKS[:count]))
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column.target.attname for column, *_ in select[start:end]]
        converters = compiler.get_converters([column for column, *_ in select])
        populators = get_related_populators(klass_info, select, connection.alias)
        return compiler, converters, klass_info["model"], start, end, names, populators

    def records_for(*arguments):
        values = arguments[1:] if for_reader else arguments
        compiler, converters, model, start, end, names, populators = shape(
            connection.vendor, len(values)
        )
        with connection.cursor() as cursor:
            cursor.execute(*sql_for(*arguments))
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        found = []
        for row in rows:
            record = model.from_db(connection.alias, names, row[start:end])
            for populator in populators:
                populator.populate(row, record)
            found.append(record)
        return found

    return records_for


class CompiledList:
    """A list that Django's Paginator reads as it reads a QuerySet (``count()`` and
    slices), its rows read by SQL compiled once per process: a subclass gives
    ``count()`` and ``rows(page)``, the rows of ``page`` = (offset, limit), or of every
    row with None (``compiled_rows``' ``page``)."""

    def count(self):
        raise NotImplementedError

    def rows(self, page):
        raise NotImplementedError

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        if (index.start or 0) < 0 or (index.stop or 0) < 0:
            # As a QuerySet says: written into the SQL, OFFSET -1 read the first row on
            # SQLite and was an error on PostgreSQL.
            raise ValueError("Negative indexing is not supported.")
        start = index.start or 0
        if index.stop is None:
            return self.rows(None)[start:]
        return self.rows((start, max(index.stop - start, 0)))

    def __iter__(self):
        return iter(self[:])
