"""Topics by their Chinese names (papers.TopicName) in the Chinese interface: on the paper
list's rows and topic filter, the paper page, the model page and a note's tags; in
English as before; read in the queries that read the topics, and never served stale
from the kept pages and fragments after a Chinese name changes."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from taggit.models import Tag

from papers.models import TopicName
from tests.factories import LanguageModelFactory, NoteFactory, PaperFactory
from tests.reading.test_views import grow_papers

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PAPER_LIST = reverse("reading:paper_list")


def name_in_chinese(name, name_zh):
    TopicName.objects.create(tag=Tag.objects.get(name=name), name_zh=name_zh)


def chip(slug, name):
    return f'<a class="tag" href="{PAPER_LIST}?topic={slug}">{name}</a>'


@pytest.fixture
def aligned():
    """A paper on alignment (对齐) and on surveys, which has no Chinese name."""
    paper = PaperFactory(title_en="Training language models to follow instructions")
    paper.tags.add("Alignment", "Surveys")
    name_in_chinese("Alignment", "对齐")
    return paper


def test_the_paper_lists_rows_name_topics_in_chinese(member_client, aligned):
    for query in ["", "?year=" + str(aligned.year)]:  # unfiltered rows, and a filtered list
        response = member_client.get(PAPER_LIST + query, **ZH)
        assertContains(response, chip("alignment", "对齐"), html=True)
        assertContains(response, chip("surveys", "Surveys"), html=True)  # no Chinese name
        assertNotContains(response, ">Alignment<")


def test_the_topic_filter_names_and_sorts_topics_by_the_shown_name(member_client):
    paper = PaperFactory()
    paper.tags.add("Agents", "Alignment", "GPT series", "Surveys")
    for name, name_zh in [("Agents", "智能体"), ("Alignment", "对齐"), ("GPT series", "GPT 系列")]:
        name_in_chinese(name, name_zh)

    def options(headers):
        response = member_client.get(PAPER_LIST, **headers)
        return [
            (value, label)
            for value, label in response.context["topics"]
            if value in {"agents", "alignment", "gpt-series", "surveys"}
        ]

    assert options(ZH) == [  # by pinyin (duì, zhì), then the Latin-lettered names
        ("alignment", "对齐"),
        ("agents", "智能体"),
        ("gpt-series", "GPT 系列"),
        ("surveys", "Surveys"),
    ]
    assert options(EN) == [
        ("agents", "Agents"),
        ("alignment", "Alignment"),
        ("gpt-series", "GPT series"),
        ("surveys", "Surveys"),
    ]
    response = member_client.get(PAPER_LIST + "?topic=alignment", **ZH)
    assertContains(response, '<option value="alignment" selected>对齐</option>', html=True)


def test_the_paper_page_names_its_topics_in_chinese(member_client, aligned):
    response = member_client.get(aligned.get_absolute_url(), **ZH)
    assertContains(response, chip("alignment", "对齐"), html=True)
    assertContains(response, chip("surveys", "Surveys"), html=True)


def test_the_paper_page_orders_its_chinese_topics_by_pinyin(member_client):
    """By code point they came 多模态, 大模型, 对齐; by pinyin dà, duì, duō."""
    paper = PaperFactory()
    paper.tags.add("Multimodal", "Alignment", "LLMs")
    for name, name_zh in [("Multimodal", "多模态"), ("Alignment", "对齐"), ("LLMs", "大模型")]:
        name_in_chinese(name, name_zh)
    page = member_client.get(paper.get_absolute_url(), **ZH).content.decode()
    chips = [chip(slug, name) for slug, name in [("llms", "大模型"), ("alignment", "对齐")]]
    chips.append(chip("multimodal", "多模态"))
    places = [page.index(html) for html in chips]
    assert places == sorted(places)


@pytest.mark.parametrize("page", ["paper list", "note"])
def test_a_rows_and_a_notes_chinese_topics_are_in_pinyin_order(member_client, page):
    """The paper list's rows and a note's tags kept the database's order, by the English
    names: Alignment, LLMs, Multimodal as 对齐, 大模型, 多模态; by pinyin dà, duì, duō."""
    topics = [("Multimodal", "多模态"), ("Alignment", "对齐"), ("LLMs", "大模型")]
    paper = PaperFactory()
    paper.tags.add(*(name for name, _zh in topics))
    note = NoteFactory(paper=paper, visibility="everyone")
    note.tags.add(*(name for name, _zh in topics))
    for name, name_zh in topics:
        name_in_chinese(name, name_zh)
    url = PAPER_LIST if page == "paper list" else note.get_absolute_url()
    html = member_client.get(url, **ZH).content.decode()
    # The row's chips (not the topic filter's), the note's tags under its title.
    html = html[
        html.index('<li class="paper-row">' if page == "paper list" else '<p class="meta">') :
    ]
    html = html[: html.index("</li>" if page == "paper list" else "</p>")]
    places = [html.index(f">{name}</") for name in ("大模型", "对齐", "多模态")]
    assert places == sorted(places)


def test_the_model_page_names_its_topics_in_chinese(member_client):
    llama = LanguageModelFactory(name="LLaMA")
    llama.tags.add("LLaMA family", "Foundation models")
    name_in_chinese("LLaMA family", "LLaMA 家族")
    response = member_client.get(llama.get_absolute_url(), **ZH)
    assertContains(response, '<span class="tag">LLaMA 家族</span>', html=True)
    assertContains(response, '<span class="tag">Foundation models</span>', html=True)
    assertNotContains(response, '<span class="tag">LLaMA family</span>', html=True)


def test_a_notes_tags_are_named_in_chinese(member_client, aligned):
    note = NoteFactory(paper=aligned)
    note.tags.add("Alignment", "Deployment")  # Deployment: no paper carries it
    name_in_chinese("Deployment", "部署")
    response = member_client.get(note.get_absolute_url(), **ZH)
    assertContains(response, chip("alignment", "对齐"), html=True)
    assertContains(response, '<span class="tag">部署</span>', html=True)


def test_the_english_interface_shows_the_names(member_client, aligned):
    llama = LanguageModelFactory(name="LLaMA")
    llama.tags.add("Alignment")
    note = NoteFactory(paper=aligned)
    note.tags.add("Alignment")
    for url in [PAPER_LIST, aligned.get_absolute_url(), note.get_absolute_url()]:
        response = member_client.get(url, **EN)
        assertContains(response, chip("alignment", "Alignment"), html=True)
        assertNotContains(response, "对齐")
    response = member_client.get(llama.get_absolute_url(), **EN)
    assertContains(response, '<span class="tag">Alignment</span>', html=True)
    assertNotContains(response, "对齐")


# The Chinese names come in the queries that read the topics: as many queries as the
# same first views in English (tests/reading/test_views.py), with them shown.


@pytest.mark.parametrize("count", [1, 3])
def test_paper_list_queries_do_not_grow_in_chinese(member_client, django_assert_num_queries, count):
    grow_papers(count)
    name_in_chinese("Surveys", "综述")
    name_in_chinese("Prompting", "提示学习")
    with django_assert_num_queries(10):
        response = member_client.get(PAPER_LIST, **ZH)
    assertContains(response, chip("surveys", "综述"), count=count, html=True)
    assertContains(response, '<option value="prompting">提示学习</option>', html=True)


def first_view_queries(client, url, headers):
    """The number of queries of a first view of the page (nothing kept), and the page."""
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **headers)
    return len(context), response


@pytest.mark.parametrize(
    "make",
    [
        PaperFactory,
        LanguageModelFactory,
        lambda: NoteFactory(paper=PaperFactory()),
    ],
    ids=["paper", "model", "note"],
)
def test_a_page_reads_no_more_for_chinese_names(member_client, make):
    english, chinese = make(), make()
    for record in (english, chinese):
        record.tags.add("Surveys", "Prompting")
    count, response = first_view_queries(member_client, english.get_absolute_url(), EN)
    assertContains(response, "Surveys")
    name_in_chinese("Surveys", "综述")
    name_in_chinese("Prompting", "提示学习")
    assert first_view_queries(member_client, chinese.get_absolute_url(), ZH)[0] == count
    response = member_client.get(chinese.get_absolute_url(), **ZH)
    assertContains(response, "综述")
    assertContains(response, "提示学习")


def edit_in_the_admin(admin_user, tag, name_zh):
    organiser = Client()
    organiser.force_login(admin_user)
    response = organiser.post(
        reverse("admin:taggit_tag_change", args=[tag.pk]),
        {"name": tag.name, "name_zh": name_zh, "slug": tag.slug},
    )
    assert response.status_code == 302


def edit_the_record(admin_user, tag, name_zh):
    """As a merge of topics or a script does: the topic itself is not saved."""
    TopicName.objects.rename(tag, name_zh)


@pytest.mark.parametrize("edit", [edit_in_the_admin, edit_the_record])
def test_editing_a_chinese_name_refreshes_kept_pages_and_fragments(
    member_client, admin_user, aligned, settings, edit
):
    """With the page cache on, the member's kept pages, the shared fragments (which
    declare taggit.tag) and the filter's kept options show the new name at once."""
    settings.PAGECACHE_ENABLED = True
    tag = aligned.tags.get(name="Alignment")
    pages = [PAPER_LIST, aligned.get_absolute_url()]
    for url in pages:
        for _ in range(2):  # rendered, then served from the page kept
            assertContains(member_client.get(url, **ZH), chip("alignment", "对齐"), html=True)

    edit(admin_user, tag, "价值对齐")
    for url in pages:
        response = member_client.get(url, **ZH)
        assertContains(response, chip("alignment", "价值对齐"), html=True)
    assertContains(
        member_client.get(PAPER_LIST, **ZH),
        '<option value="alignment">价值对齐</option>',
        html=True,
    )

    edit(admin_user, tag, "")  # no Chinese name any more: the name again
    for url in pages:
        response = member_client.get(url, **ZH)
        assertContains(response, chip("alignment", "Alignment"), html=True)
        assertNotContains(response, "对齐")
