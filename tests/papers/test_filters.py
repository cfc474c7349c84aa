"""What the paper filters offer (papers/filters.py), kept until the content changes."""

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from taggit.models import Tag

from core import fragments, pagecache
from core.fragments import request_scope
from papers.filters import (
    Choices,
    UnknownChoice,
    alike,
    paper_count,
    paper_filter_options,
    read_together,
    unknown_choices,
)
from papers.models import TopicName
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


TOPICS = {
    "Surveys": "综述",
    "Reasoning": "推理",
    "Alignment": "对齐",
    "Fine-tuning": "微调",
    "LLMs": "大模型",
    "Multimodal": "多模态",
}
ORGANIZATIONS = {
    "Tsinghua University": "清华大学",
    "OpenAI": "",
    "BAAI": "智源",
    "Meta AI": "",
    "Baichuan": "百川智能",
    "Alibaba": "阿里巴巴",
}


def test_the_chinese_interfaces_options_are_in_pinyin_order(member_client):
    """In Chinese the topics came by code point (多模态, 大模型, 对齐, 微调, 推理, 综述), in
    no order a Chinese reader knows; by pinyin (dà, duì, duō, tuī, wēi, zōng), the names
    without a Chinese name after them. English's order is as before."""
    paper = PaperFactory()
    paper.tags.add(*TOPICS)
    for name, name_zh in TOPICS.items():
        TopicName.objects.create(tag=Tag.objects.get(name=name), name_zh=name_zh)
    for name, name_zh in ORGANIZATIONS.items():
        paper.organizations.add(OrganizationFactory(name=name, name_zh=name_zh))

    with translation.override("zh-hans"):
        options = paper_filter_options()
    assert [label for _slug, label in options["topics"]] == [
        "大模型",
        "对齐",
        "多模态",
        "推理",
        "微调",
        "综述",
    ]
    assert [label for _slug, label in options["organizations"]] == [
        "阿里巴巴",
        "百川智能",
        "清华大学",
        "智源",
        "Meta AI",
        "OpenAI",
    ]
    page = member_client.get(reverse("reading:paper_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.context["topics"] == options["topics"]
    with translation.override("en"):
        options = paper_filter_options()
    assert [label for _slug, label in options["topics"]] == sorted(TOPICS, key=str.casefold)
    assert [label for _slug, label in options["organizations"]] == sorted(
        ORGANIZATIONS, key=str.casefold
    )


def test_unknown_choices_name_each_filter_whose_value_is_no_choice():
    params = QueryDict("topic=Prompt&org=nope&year=2023&page=3")
    topics = [("prompting", "Prompting"), ("surveys", "Surveys")]
    unknown = unknown_choices(
        params,
        {
            "topic": Choices(topics, "No topic “%(value)s”.", "Any topic"),
            "org": Choices([("openai", "OpenAI")], "No organization “%(value)s”."),
            "year": Choices([(2023, 2023)], "No year %(value)s.", "Any year"),
        },
    )
    assert unknown == [
        # Each notice's links leave out both unknown values.
        UnknownChoice(
            "No topic “Prompt”.",
            "year=2023",
            "Any topic",
            [("year=2023&topic=prompting", "Prompting")],
        ),
        UnknownChoice("No organization “nope”.", "year=2023", "", []),
    ]
    assert unknown_choices(QueryDict(""), {"topic": Choices(topics, "%(value)s")}) == []


def test_an_ignored_parameter_offers_its_few_choices_when_none_is_alike():
    """An order or a setting the list has not is ignored, the list shown as without it:
    said, with the choices named alike or, for a short list of them, every one; it does
    not say why the list is empty, as an unknown filter's value does."""
    params = QueryDict("read=yes&sort=titel&open=maybe&page=2")
    read = [("me", "read by me"), ("group", "read by my group")]
    sorts = [("newest", "newest first"), ("oldest", "oldest first"), ("title", "title")]
    sorts.append(("notes", "most notes"))
    unknown = unknown_choices(
        params,
        {
            "read": Choices(read, "No reading filter “%(value)s”.", ignored=True),
            "sort": Choices(sorts, "No order “%(value)s”.", ignored=True),
            "open": Choices([(c, c) for c in "abcd"], "No openness “%(value)s”.", ignored=True),
        },
    )
    assert unknown == [
        UnknownChoice(
            "No reading filter “yes”.",
            "",
            "",
            [("read=me", "read by me"), ("read=group", "read by my group")],
            ignored=True,
        ),
        UnknownChoice("No order “titel”.", "", "", [("sort=title", "title")], ignored=True),
        # More choices than ALIKE, none alike: none offered.
        UnknownChoice("No openness “maybe”.", "", "", [], ignored=True),
    ]
    assert not unknown.emptied
    topic = unknown_choices(QueryDict("topic=x&sort=x"), {"topic": Choices([], "%(value)s")})
    assert topic.emptied


def test_alike_choices_by_value_or_label_the_likest_first():
    choices = [("rlhf", "RLHF"), ("rag", "Retrieval-augmented generation"), ("rl", "RL")]
    assert alike("RLHF.", choices) == [("rlhf", "RLHF")]
    assert alike("r", choices) == []
    assert alike("retrieval augmented generation", choices) == choices[1:2]
    assert alike("zzz", choices) == []
