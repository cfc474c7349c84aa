"""What the paper filters offer (papers/filters.py), kept until the content changes."""

import pytest

from papers.filters import paper_filter_options
from tests.factories import OrganizationFactory, PaperFactory

pytestmark = pytest.mark.django_db


def test_filter_options_are_value_label_pairs_kept_until_the_library_changes():
    paper = PaperFactory(year=2023)
    paper.organizations.add(OrganizationFactory(name="DeepMind", slug="deepmind"))
    paper.tags.add("Surveys")
    assert paper_filter_options() == {
        "topics": [("surveys", "Surveys")],
        "organizations": [("deepmind", "DeepMind")],
        "years": [(2023, 2023)],
    }
    PaperFactory(year=2024).tags.add("Prompting")
    options = paper_filter_options()
    assert sorted(options["topics"]) == [("prompting", "Prompting"), ("surveys", "Surveys")]
    assert options["years"] == [(2024, 2024), (2023, 2023)]
