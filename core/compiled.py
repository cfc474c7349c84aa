"""A query's SQL compiled once per process, for queries a page asks in the same shape
every time.

Django builds and compiles a queryset anew on every call, even when only a value in it
changes (whose groups, which meeting): ~0.2 ms for a subquery, more for a UNION, and the
read rules write their subquery into most queries of a page. ``compiled_once`` compiles
the queryset once, with a mark where each value goes, and puts each call's values there;
``compiled_rows`` and ``compiled_records`` make the rows of such SQL into values or
records, as the queryset would.

Each of those readers also gives its statement (``reader.statement(*values)``) without
reading it, for ``read_ahead``: a page that knows the statements it will read names them
ahead, and on PostgreSQL the first of them read sends them all in one round trip.
"""

import contextvars
import functools
from contextlib import contextmanager

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


# The statements a request will read (``read_ahead``) and the rows of those read with
# another already (``fetch``): {key: _Named}. None outside a request
# (core.middleware.RequestMemoMiddleware): each statement is then read alone.
_reads = contextvars.ContextVar("reads_ahead", default=None)


class _Named:
    """A statement named ahead: its values as given, and its rows once read (None
    until then)."""

    __slots__ = ("params", "rows")

    def __init__(self, params):
        self.params, self.rows = params, None


@contextmanager
def reads_scope():
    """Keep what ``read_ahead`` names, and what it read, until the end of the block (one
    request)."""
    token = _reads.set({})
    try:
        yield
    finally:
        _reads.reset(token)


def _key(sql, params):
    """The key of a statement among those read ahead: its SQL and its values with their
    types (True, 1 and 1.0 are equal in Python, not to the database); None for one with
    a list among its values (not named ahead)."""
    try:
        key = (sql, tuple((type(value), value) for value in params))
        hash(key)
    except TypeError:
        return None
    return key


def read_ahead(*statements):
    """Say that the request will read these statements ((sql, params), as a reader's
    ``statement()`` gives them). Nothing is read now: the first of them that ``fetch``
    reads sends every one named and not read yet in one round trip (psycopg's pipeline
    mode), and the others are then read from what came back. On PostgreSQL each
    statement read alone is a round trip whose waiting, waking and protocol cost the
    server and the worker ~0.2 ms of processor time between them, more than most of a
    page's statements take to run; on SQLite, in the worker's own process, there is no
    round trip and each is read when asked. A statement named and never read is never
    sent unless another of its batch is (a page whose shared fragments are cached reads
    nothing of them). For what a page shows: the rows are the database's as the batch
    found it, and each is used once (read again, a statement is read anew)."""
    reads = _reads.get()
    if reads is None or connection.vendor != "postgresql":
        return
    for sql, params in statements:
        key = _key(sql, params)
        if key is not None:
            reads.setdefault(key, _Named(params))


def _read_together(reads):
    """Read every statement named ahead and not read yet, in one round trip."""
    keys = [key for key, named in reads.items() if named.rows is None]
    cursors = []
    try:
        connection.ensure_connection()
        # Django's errors, as a statement read alone raises them (the pipeline raises a
        # statement's error when it ends).
        with connection.wrap_database_errors, connection.connection.pipeline():
            for key in keys:
                # Django's cursor: its execute wrappers, the queries' log, its errors.
                cursor = connection.cursor()
                cursors.append(cursor)
                cursor.execute(key[0], reads[key].params)
        for key, cursor in zip(keys, cursors, strict=True):
            reads[key].rows = cursor.fetchall()
    except Exception:
        # A statement of the batch failed (a timeout, a value out of range): psycopg may
        # count as prepared on the server a statement after it that the server never
        # prepared, and every later run of it on this connection would fail. A new
        # connection for what comes next (outside a transaction, which fails anyway).
        if not connection.in_atomic_block:
            connection.close()
        raise
    finally:
        for cursor in cursors:
            cursor.close()
        for key in keys:
            if key in reads and reads[key].rows is None:
                del reads[key]  # not read (an error): read alone if asked again


def read_again():
    """Read anew, when asked, every statement read ahead and not used yet: a value kept
    in the cache (core.fragments.kept_or_made) is made from rows read after the tokens
    of its stamps, never before (a change committed in between would be kept under its
    own tokens, stale until the next change). The statements go again in one round trip."""
    reads = _reads.get()
    if reads:
        for named in reads.values():
            named.rows = None


def fetch(sql, params):
    """Return the rows of a statement: from what ``read_ahead`` read with it, or read
    now (with every other statement named ahead, if it is one of them)."""
    reads = _reads.get()
    key = _key(sql, params) if reads else None
    if key is not None and key in reads:
        if reads[key].rows is None:
            _read_together(reads)
        named = reads.pop(key, None)
        if named is not None and named.rows is not None:
            return named.rows
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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

    def statement(*values, page=None):
        sql, params = sql_for(*values)
        if page is not None:
            offset, limit = page
            sql = f"{sql} LIMIT {int(limit)} OFFSET {int(offset)}"
        return sql, params

    def rows_for(*values, page=None):
        compiler, converters = shape(connection.vendor, len(values))
        rows = fetch(*statement(*values, page=page))
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [tuple(row) for row in rows]

    rows_for.statement = statement
    return rows_for


def compiled_count(build):
    """Return ``count_for(*values)`` → the number of rows of the queryset that
    ``build(*marks)`` makes, as its ``count()`` gives, its SQL compiled once per process
    (``compiled_once``) and counted as Django counts a grouped or distinct queryset: in a
    subquery."""
    sql_for = compiled_once(lambda *marks: build(*marks).order_by())

    def statement(*values):
        sql, params = sql_for(*values)
        return f"SELECT COUNT(*) FROM ({sql}) subquery", params

    def count_for(*values):
        return fetch(*statement(*values))[0][0]

    count_for.statement = statement
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
        rows = fetch(*sql_for(*arguments))
        if converters:
            rows = compiler.apply_converters(rows, converters)
        found = []
        for row in rows:
            record = model.from_db(connection.alias, names, row[start:end])
            for populator in populators:
                populator.populate(row, record)
            found.append(record)
        return found

    records_for.statement = sql_for
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
