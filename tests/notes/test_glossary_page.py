"""The glossary page's terms (notes/templatetags/glossary.py): links, titles, papers."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import GlossaryTermFactory, PaperFactory

pytestmark = pytest.mark.django_db


def test_terms_show_their_titles_abbreviations_definitions_and_papers(member_client):
    cot = GlossaryTermFactory(
        slug="cot", title_en="Chain <of> thought", title_zh="思维链", abbreviation="CoT"
    )
    GlossaryTermFactory(slug="icl", title_en="In-context learning", title_zh="", abbreviation="")
    cot.papers.add(PaperFactory(title_en="A" * 80), PaperFactory(title_en="Self-Consistency"))
    response = member_client.get(reverse("notes:glossary"))
    assertContains(response, '<a href="#cot">CoT</a>', html=False)
    assertContains(response, '<a href="#icl">In-context learning</a>', html=False)
    assertContains(
        response,
        '<dt id="cot"><span lang="en">Chain &lt;of&gt; thought</span> · '
        '<span lang="zh-Hans">思维链</span> (CoT)</dt>',
        html=False,
    )
    assertNotContains(response, "Chain <of> thought", html=False)
    assertContains(response, "A" * 59 + "…")
    assertContains(response, "Self-Consistency</a>", html=False)
    assertContains(response, "Definition")


def test_an_empty_glossary_says_so(member_client):
    response = member_client.get(reverse("notes:glossary"))
    assertContains(response, '<p class="empty">The glossary is empty.</p>', html=False)
