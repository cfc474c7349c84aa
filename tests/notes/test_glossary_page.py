"""The glossary page's terms (notes/templatetags/glossary.py): links, titles, papers."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from notes.models import GlossaryTerm
from notes.views import glossary_entries
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
    assertContains(response, '<p class="term-papers">Papers: <a', html=False)
    assertContains(response, "…</a>; <a", html=False)
    member_client.cookies["django_language"] = "zh-hans"
    chinese = member_client.get(reverse("notes:glossary"))
    # The full-width colon and semicolon (an ASCII "; " stood amid Chinese: a browser walk).
    assertContains(chinese, '<p class="term-papers">论文：<a', html=False)
    assertContains(chinese, "</a>；<a", html=False)


def test_an_empty_glossary_says_so(member_client):
    response = member_client.get(reverse("notes:glossary"))
    assertContains(response, '<p class="empty">The glossary is empty.</p>', html=False)


def test_glossary_entries_read_what_the_terms_say_in_order():
    """The compiled SQL (notes.views.glossary_entries) reads the terms the queryset does, in
    its order, each with its papers in a Paper's order."""
    first = GlossaryTermFactory(slug="b", title_en="beta", title_zh="乙", abbreviation="B")
    GlossaryTermFactory(slug="a", title_en="Alpha", title_zh="", translation="zh")
    first.papers.add(
        PaperFactory(title_en="", title_zh="旧", year=2019),
        PaperFactory(title_en="New", year=2023),
    )
    fields = ["slug", "title", "abbreviation", "translation", "body_zh_html", "body_en_html"]
    expected = [
        (
            *(getattr(term, name) for name in fields),
            [(p.slug, p.title) for p in term.papers.all()],
        )
        for term in GlossaryTerm.objects.all()
    ]
    assert [term[0] for term in expected] == ["a", "b"]
    assert [
        (*(getattr(term, name) for name in fields), [(p.slug, p.title) for p in term.listed_papers])
        for term in glossary_entries()
    ] == expected


def test_the_contents_are_in_the_order_of_what_they_show(member_client):
    """A browser walk found "CoT" between "Causal Decoder" and "Chinchilla": the links,
    named by abbreviation, were ordered by the full term."""
    for title, abbreviation in [
        ("Causal Decoder", ""),
        ("Chain-of-Thought Prompting", "CoT"),
        ("Chinchilla Scaling Law", ""),
    ]:
        GlossaryTermFactory(title_en=title, abbreviation=abbreviation)
    page = member_client.get(reverse("notes:glossary")).content.decode()
    contents = page.split('<nav class="toc-inline">')[1].split("</nav>")[0]
    shown = re.findall(r">([^<]+)</a>", contents)
    assert shown == ["Causal Decoder", "Chinchilla Scaling Law", "CoT"]


def test_the_contents_order_terms_named_in_chinese_alone_by_pinyin(member_client):
    """By code point they came 多模态, 大模型, 对齐; by pinyin dà, duì, duō, before the
    Latin-lettered ones."""
    for title_en, title_zh in [("", "多模态"), ("Agents", ""), ("", "对齐"), ("", "大模型")]:
        GlossaryTermFactory(title_en=title_en, title_zh=title_zh)
    page = member_client.get(reverse("notes:glossary")).content.decode()
    contents = page.split('<nav class="toc-inline">')[1].split("</nav>")[0]
    assert re.findall(r">([^<]+)</a>", contents) == ["大模型", "对齐", "多模态", "Agents"]
