"""On PostgreSQL a page of the model list is read in order from an index
(papers.0011), not by joining and sorting every model: the index must say the list's
own order, which LanguageModel.Meta.ordering gives."""

import pytest
from django.db import connection

from papers.models import LanguageModel
from tests.factories import LanguageModelFactory
from tests.plans import plan_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the index: PostgreSQL"),
]


def test_a_page_of_the_model_list_is_read_from_the_index():
    LanguageModelFactory.create_batch(3)
    LanguageModelFactory(released=None)
    page = LanguageModel.objects.for_table()[:100]
    plan = plan_of(page, without="sort")
    assert "papers_languagemodel_release_order" in plan
    assert "Sort" not in plan
    assert [row.released for row in page][-1] is None  # undated last, as ordered
