"""What the paper filters offer (papers/filters.py), kept until the content changes."""

import pytest
from django.core.cache import cache

from core import fragments, pagecache
from core.fragments import request_scope
from papers.filters import paper_count, paper_filter_options, read_together
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


class Counted:
    """The cache, with the names of the calls made to it."""

    def __init__(self, cache):
        self.cache, self.calls = cache, []

    def __getattr__(self, name):
        self.calls.append(name)
        return getattr(self.cache, name)


@pytest.mark.parametrize("page_cache", [True, False], ids=["page cache on", "cold"])
def test_a_list_reads_its_count_and_options_in_one_round_trip(settings, monkeypatch, page_cache):
    """Kept with the page cache off too (each is a scan of the library), and read with
    their stamps in one round trip to the cache; a new paper is counted and offered."""
    settings.PAGECACHE_ENABLED = page_cache
    PaperFactory(year=2023)

    def read():
        with request_scope():
            read_together("count", "options")
            return paper_count(), paper_filter_options()["years"]

    assert read() == (1, [(2023, 2023)])  # made and kept
    counted = Counted(cache)
    monkeypatch.setattr(fragments, "cache", counted)
    monkeypatch.setattr(pagecache, "cache", counted)
    assert read() == (1, [(2023, 2023)])
    assert counted.calls == ["get_many"]
    PaperFactory(year=2024)
    assert read() == (2, [(2024, 2024), (2023, 2023)])
