"""PostgreSQL plans a query a connection runs again and again once: the site's
connections bind parameters on the server and prepare a repeated query
(DJANGO_DB_PREPARED_STATEMENTS, on by default; off for poolers that lose them)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from papers.models import Paper
from tests.factories import PaperFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL"),
]


def prepared():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def test_a_query_run_again_is_prepared_and_answers_as_before():
    user = get_user_model().objects.create(username="prepared")
    answers = [get_user_model().objects.get(pk=user.pk).username for _ in range(7)]
    assert answers == ["prepared"] * 7
    assert any('FROM "auth_user"' in statement and "$1" in statement for statement in prepared())


def test_a_prepared_query_follows_the_data_and_its_parameters():
    papers = PaperFactory.create_batch(3)
    for paper in papers * 3:  # each slug three times: the query is prepared by then
        assert Paper.objects.get(slug=paper.slug).pk == paper.pk
    paper = papers[0]
    Paper.objects.filter(pk=paper.pk).update(title_en="Changed after preparing")
    assert Paper.objects.get(slug=paper.slug).title_en == "Changed after preparing"


@pytest.mark.parametrize("page", ["reading:paper_list", "admin:papers_paper_changelist"])
def test_the_paper_lists_statements_write_their_order_and_page_into_the_sql(page, world, client):
    """A prepared statement keeps one plan for all its parameters only where that plan is
    as cheap as one made for them; a plan reads the index of the papers' order
    (COALESCE(year, 0) …) only where the query's expression is the index's. With the 0s,
    LIMIT and OFFSET sent as parameters, PostgreSQL planned the paper list and the
    admin's anew on every call: they are written into the SQL."""
    PaperFactory.create_batch(3)
    client.force_login(world.superuser)
    sent = []

    def keep(execute, statement, params, many, context):
        sent.append(statement)
        return execute(statement, params, many, context)

    with connection.execute_wrapper(keep):
        assert client.get(reverse(page)).status_code == 200
    ordered = [s for s in sent if 'ORDER BY COALESCE("papers_paper"."year"' in s]
    assert ordered
    for statement in ordered:
        order = statement[statement.rindex("ORDER BY") :]
        assert 'COALESCE("papers_paper"."year", 0) DESC' in order
        assert "%s" not in order, order
