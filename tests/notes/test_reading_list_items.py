"""A reading list's papers as its page shows them (notes/templatetags/reading_lists.py)."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from notes.models import ReadingListItem
from tests.factories import OrganizationFactory, PaperFactory, ReadingListFactory

pytestmark = pytest.mark.django_db


def test_items_show_sections_once_titles_comments_and_the_members_row(member_client):
    reading_list = ReadingListFactory(slug="foundations")
    first = PaperFactory(title_en="Attention <Is> All", title_zh="注意力", year=2017, arxiv_id=None)
    first.organizations.add(OrganizationFactory(name="Google"))
    second = PaperFactory(title_en="BERT", title_zh="", arxiv_id="1810.04805")
    third = PaperFactory(title_en="GPT-3", title_zh="")
    for position, (paper, section, comment_zh, comment_en) in enumerate(
        [
            (first, "Transformers", "必读", ""),
            (second, "Transformers", "", "Read §3"),
            (third, "Scaling", "", ""),
        ],
        start=1,
    ):
        ReadingListItem.objects.create(
            reading_list=reading_list,
            paper=paper,
            position=position,
            section=section,
            comment_zh=comment_zh,
            comment_en=comment_en,
        )
    response = member_client.get(reverse("notes:readinglist_detail", args=["foundations"]))
    assertContains(response, '<li class="section-heading"><h2>Transformers</h2></li>', count=1)
    assertContains(response, '<li class="section-heading"><h2>Scaling</h2></li>', count=1)
    assertContains(response, '<li value="2">', count=1)
    assertContains(response, "Attention &lt;Is&gt; All")
    assertNotContains(response, "Attention <Is> All")
    assertContains(response, '<span lang="zh-Hans">注意力</span>')
    assertContains(response, "<span>2017</span><span>Google</span>", html=False)
    assertContains(response, '<span class="mono">arXiv:1810.04805</span>', html=False)
    # A comment in Chinese alone, for an English reader: marked so.
    assertContains(response, '<span lang="zh-Hans">必读</span> <span class="badge badge-missing"')
    assertContains(response, '<span lang="en">Read §3</span></p>', html=False)
    assertContains(response, 'class="status-control"', count=3, html=False)
    assertNotContains(response, "<!--slot:", html=False)


def test_an_empty_list_says_so(member_client):
    ReadingListFactory(slug="empty")
    response = member_client.get(reverse("notes:readinglist_detail", args=["empty"]))
    assertContains(response, '<li class="empty">This list is empty.</li>', html=False)
