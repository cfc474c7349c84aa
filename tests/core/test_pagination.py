"""List pages forgive a page number out of range or not a number (core.pagination)."""

import pytest
from django.urls import reverse

from tests.factories import DatasetFactory, PaperFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("page", "shown"), [("9999", 2), ("abc", 1), ("0", 1), ("-3", 1), ("2", 2), ("", 1)]
)
def test_the_paper_list_shows_the_nearest_page(member_client, page, shown):
    PaperFactory.create_batch(30)  # two pages of 25
    response = member_client.get(reverse("reading:paper_list"), {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == shown


@pytest.mark.parametrize("name", ["papers:dataset_list", "notes:my_notes", "papers:model_list"])
def test_other_lists_too(member_client, name):
    DatasetFactory()
    response = member_client.get(reverse(name), {"page": "9999"})
    assert response.status_code == 200
