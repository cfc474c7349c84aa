"""PostgreSQL plans a query a connection runs again and again once: the site's
connections bind parameters on the server and prepare a repeated query
(DJANGO_DB_PREPARED_STATEMENTS, on by default; off for poolers that lose them)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

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
