"""The paper list's rows (reading.rows): what each shows, escaped, in both languages, and
the member's parts as slots inside a shared fragment."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from core.fragments import slot_marker
from core.templatetags.shared import INSIDE
from reading import queries
from tests.factories import (
    NoteFactory,
    OrganizationFactory,
    PaperFactory,
    ReadingStatusFactory,
)

pytestmark = pytest.mark.django_db


def rows_of(user, *papers, slots=False):
    """The rows as {% paper_rows %} makes them, for a request to /papers/?x=<y>."""
    read = queries.paper_rows(user).filter(pk__in=[p.pk for p in papers]).order_by("pk")
    context = {
        "papers": read,
        "csrf_token": "t0ken",
        "request": RequestFactory().get("/papers/?x=<y>"),
    }
    if slots:
        context[INSIDE] = True
    return Template("{% load paper_rows %}{% paper_rows papers %}").render(Context(context))


def test_a_row_shows_the_papers_fields_escaped(member):
    paper = PaperFactory(
        title_en="<script>alert(1)</script> Attention",
        title_zh="注意力",
        year=2017,
        month=6,
        arxiv_id="1706.03762",
    )
    paper.organizations.add(OrganizationFactory(name="Google & <Brain>"))
    paper.tags.add("transformers")
    NoteFactory(paper=paper, author=member)
    NoteFactory(paper=paper, author=member)
    html = rows_of(member, paper)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Attention" in html
    assert f'href="{paper.get_absolute_url()}"' in html
    assert '<span class="paper-title-zh" lang="zh-Hans">注意力</span>' in html
    assert "<span>2017-06</span>" in html
    assert '<span class="mono">arXiv:1706.03762</span>' in html
    assert "<span>Google &amp; &lt;Brain&gt;</span>" in html
    assert f'href="{reverse("reading:paper_list")}?topic=transformers">transformers</a>' in html
    assert '<span class="count">2 notes</span>' in html
    # The member's control, with this request's token and the page's address.
    assert 'value="t0ken"' in html
    assert 'name="next" value="/papers/?x=%3Cy%3E"' in html


def test_a_chinese_title_that_only_repeats_the_english_one_is_not_written_again(member):
    """The group's notes name a paper by its short name: "Llama Guard" beside "Llama
    Guard: LLM-based …" read as the title written twice. A Chinese title in Chinese, or
    one that says more, is still shown."""
    short = PaperFactory(title_en="Llama Guard: LLM-based Safeguard", title_zh="llama  guard")
    other = PaperFactory(title_en="Llama Guard: LLM-based Safeguard", title_zh="Llama Guard 2")
    chinese = PaperFactory(title_en="Llama Guard: LLM-based Safeguard", title_zh="Llama Guard 护栏")
    # Another model's name inside the English title, or at its start in a longer word.
    inside = PaperFactory(title_en="mT5: A Massively Multilingual T5", title_zh="T5")
    longer = PaperFactory(title_en="GPT-4o System Card", title_zh="GPT-4")
    version = PaperFactory(title_en="Llama 2.5: Another Model", title_zh="Llama 2")
    hyphen = PaperFactory(title_en="GPT-4o System Card", title_zh="GPT")
    html = rows_of(member, short, other, chinese, inside, longer, version, hyphen)
    assert "llama  guard" not in html
    for title in ("Llama Guard 2", "Llama Guard 护栏", "T5", "GPT-4", "Llama 2", "GPT"):
        assert f'<span class="paper-title-zh" lang="zh-Hans">{title}</span>' in html


def test_a_chinese_title_alone_is_shown_once(member):
    paper = PaperFactory(title_en="", title_zh="思维链提示", year=None, arxiv_id=None)
    html = rows_of(member, paper)
    assert html.count("思维链提示") == 1
    assert 'lang="zh-Hans">思维链提示</a>' in html
    assert "<span>None" not in html and "arXiv:" not in html


def test_a_rows_english_title_says_it_is_english(member):
    """In the Chinese interface a screen reader reads it with an English voice."""
    paper = PaperFactory(title_en="Attention", title_zh="注意力")
    assert 'lang="en">Attention</a>' in rows_of(member, paper)


def test_counts_speak_the_members_language(member):
    paper = PaperFactory()
    NoteFactory(paper=paper, author=member)
    with translation.override("zh-hans"):
        html = rows_of(member, paper)
    assert '<span class="count">1 篇笔记</span>' in html


def test_inside_a_shared_fragment_the_members_parts_are_slots(member):
    paper = PaperFactory()
    NoteFactory(paper=paper, author=member)
    html = rows_of(member, paper, slots=True)
    assert slot_marker("note_count", paper.pk) in html
    assert slot_marker("status", paper.pk) in html
    assert "t0ken" not in html and "1 note" not in html


def test_the_list_fills_the_members_parts(member_client, member):
    paper = PaperFactory(title_en="Chain-of-Thought Prompting")
    NoteFactory(paper=paper, author=member)
    response = member_client.get(reverse("reading:paper_list"))
    assertContains(response, "Chain-of-Thought Prompting")
    assertContains(response, '<span class="count">1 note</span>', html=False)
    assertContains(response, 'class="status-control"', count=1, html=False)
    assertNotContains(response, "<!--slot:", html=False)


def test_an_empty_list_says_so(member_client):
    response = member_client.get(reverse("reading:paper_list") + "?q=nothing-like-this")
    assertContains(response, "No paper's title or arXiv ID contains", html=False)


def test_rows_read_as_values_are_the_instances_rows(member):
    first = PaperFactory(title_en="", title_zh="思维链", year=2022, month=None, arxiv_id=None)
    second = PaperFactory(title_en="Attention <Is> All", title_zh="注意力", year=2017, month=6)
    first.organizations.add(OrganizationFactory(name="zeta"), OrganizationFactory(name="Alpha"))
    first.tags.add("Surveys", "prompting & <b>")
    second.organizations.add(OrganizationFactory(name="Google & <Brain>"))
    NoteFactory(paper=second, author=member)
    papers = queries.paper_rows(member).filter(pk__in=[first.pk, second.pk]).order_by("pk")
    context = {"csrf_token": "t0ken", "request": RequestFactory().get("/papers/")}
    template = Template("{% load paper_rows %}{% paper_rows papers %}")
    as_values = template.render(Context({**context, "papers": queries.page_rows(papers)}))
    assert as_values == template.render(Context({**context, "papers": papers}))
    assert as_values.index("Alpha") < as_values.index("zeta")


def test_rows_read_as_values_of_an_empty_page(member, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert queries.page_rows(queries.paper_rows(member).filter(pk=-1)) == []


def test_an_unfiltered_lists_pages_are_the_querysets_for_every_reader_and_sort(world):
    # The compiled SQL of UnfilteredPaperList (a member's, a superuser's) gives the rows
    # paper_list's queryset gives: the reader's note counts and statuses, in each order.
    papers = [PaperFactory(year=2020 + i % 3, title_en=f"Paper {i % 4}") for i in range(7)]
    for paper in papers[:3]:
        NoteFactory(paper=paper, author=world.member, group=world.group_a, visibility="group")
    NoteFactory(paper=papers[3], author=world.other, group=world.group_b, visibility="private")
    for user, status in ((world.member, "read"), (world.superuser, "reading")):
        ReadingStatusFactory(user=user, paper=papers[1], status=status)
    for name, user in world.users.items():
        for sort in [*queries.PAPER_SORTS, "", "bogus"]:
            queryset = queries.paper_list(user, {"sort": sort}, meetings=False)
            compiled = queries.UnfilteredPaperList(user, sort)
            assert compiled.count() == queryset.count(), name
            for start, stop in ((0, 4), (4, 8), (8, 12), (0, 0)):
                expected = queries.page_rows(queryset[start:stop])
                assert queries.page_rows(compiled[start:stop]) == expected, (name, sort)
    assert any(row.my_status for row in queries.page_rows(compiled[0:9]))


def test_a_pages_organisations_and_topics_are_the_querysets(db):
    # rows_of reads them by SQL compiled once per number of papers.
    papers = [PaperFactory() for _ in range(4)]
    for i, paper in enumerate(papers[:3]):
        paper.organizations.add(OrganizationFactory(name=f"Org {3 - i}"), OrganizationFactory())
        paper.tags.add(f"Topic {i}", "Shared")
    for count in (1, 2, 4):
        pks = [paper.pk for paper in papers[-count:]][::-1]
        organizations = queries._compiled_organization_rows(*pks)
        assert organizations == list(queries._organization_rows(*pks))
        assert queries._compiled_topic_rows(*pks) == list(queries._topic_rows(*pks))
    assert organizations and queries._compiled_topic_rows(*pks)


@pytest.mark.parametrize(
    "typed",
    [
        "2106.09685",
        "arXiv:2106.09685",
        "arxiv:2106.09685v2",
        "https://arxiv.org/abs/2106.09685",
        "arXiv 2106.09685",
        "arXiv:2106.09685 [cs.CL]",
        "LoRA arXiv: 2106.09685v2 [cs.LG]",
    ],
)
def test_the_paper_list_finds_an_arxiv_id_as_the_pages_write_it(member_client, typed):
    """Every page shows IDs as arXiv:2106.09685; typed so, the list found nothing. Nor
    did it as running text and arXiv's listings write it ("arXiv 2106.09685 [cs.CL]":
    "arXiv" and "[cs.CL]" were looked for as words of the title)."""
    lora = PaperFactory(title_en="LoRA: Low-Rank Adaptation", arxiv_id="2106.09685")
    PaperFactory(title_en="Another paper", arxiv_id="2303.18223")
    response = member_client.get(reverse("reading:paper_list"), {"q": typed})
    assertContains(response, lora.get_absolute_url())
    assertNotContains(response, "Another paper")


@pytest.mark.parametrize(
    "typed", ["survey large", "Large  survey", "大语言 模型", "survey\u200b", "ＳＵＲＶＥＹ large"]
)
def test_the_paper_list_looks_for_each_word_typed_not_the_phrase(member_client, typed):
    """The phrase "survey large" found nothing ("A Survey of Large Language Models"), nor did a word
    with a zero-width space pasted after it."""
    found = PaperFactory(title_en="A Survey of Large Language Models", title_zh="大语言模型综述")
    PaperFactory(title_en="Large Batch Training", title_zh="大批量训练")
    response = member_client.get(reverse("reading:paper_list"), {"q": typed})
    assertContains(response, found.get_absolute_url())
    assertNotContains(response, "Large Batch Training")
