"""PostgreSQL keeps one plan of the ranking query for every search once a connection has
run it a few times (server-side prepared statements). That plan is made without the
query's values: it must still read each kind through the kind's own index, and find
what a freshly planned query finds."""

import re

import pytest
from django.db import connection
from psycopg import sql

from search.query import KINDS, PER_GROUP, _ranked
from search.text import parse
from tests.factories import NoteFactory, PaperFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans: PostgreSQL"),
]


def ranking_query(user, q):
    """The SQL and parameters of the search's ranking query, as _ranked sends them."""
    sent = []

    def keep(execute, statement, params, many, context):
        sent.append((statement, params))
        return execute(statement, params, many, context)

    with connection.execute_wrapper(keep):
        rows = _ranked(user, parse(q), KINDS, PER_GROUP)
    (statement, params), *_ = sent
    return statement, params, rows


def kept_plan(statement, params):
    """The plan PostgreSQL keeps for the statement (its generic plan), and its rows."""
    numbered = iter(range(1, len(params) + 1))
    prepared = re.sub("%s", lambda _m: f"${next(numbered)}", statement)
    raw = connection.connection
    arguments = sql.SQL(", ").join(sql.Literal(p) for p in params).as_string(raw)
    with connection.cursor() as cursor:
        # A test's few documents are read as fast by any scan: leave the planner only the
        # kinds' own indexes, or reading every document (the test's transaction gives the
        # dropped index back).
        cursor.execute("DROP INDEX search_doc_kind_object")
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"PREPARE kept_ranking AS {prepared}")
            cursor.execute(f"EXPLAIN (COSTS OFF) EXECUTE kept_ranking({arguments})")
            plan = "\n".join(line for (line,) in cursor.fetchall())
            cursor.execute(f"EXECUTE kept_ranking({arguments})")
            rows = cursor.fetchall()
        finally:
            cursor.execute("DEALLOCATE kept_ranking")
            cursor.execute("RESET plan_cache_mode")
            cursor.execute("RESET enable_seqscan")
    return plan, rows


@pytest.mark.parametrize("q", ["思维链", "chain of thought", "思维链 prompting"])
def test_the_kept_plan_reads_each_kind_by_its_index_and_finds_the_same(member, q):
    PaperFactory(title_en="Chain-of-thought prompting", title_zh="思维链提示")
    PaperFactory(title_en="Other work", summary_en="chain of thought prompting; 思维链")
    NoteFactory(author=member, body_en="Chain of thought prompting, 思维链, step by step.")
    statement, params, fresh = ranking_query(member, q)
    plan, rows = kept_plan(statement, params)
    assert "search_doc_papers_words" in plan
    assert "search_doc_notes_words" in plan
    assert "Seq Scan on search_searchdocument" not in plan
    assert sorted(rows) == sorted(fresh)
    assert {kind for _id, kind, _found, _position in rows} == {"papers", "notes"}
