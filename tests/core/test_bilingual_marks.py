"""A text that exists in one language only is shown as it is, in its own ``lang``, with a
translated "Chinese only" / "English only" mark for a reader of the other language."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from core.language import reader_language, text_language
from papers.models import Ability
from tests.factories import ReadingListFactory

pytestmark = pytest.mark.django_db


def render(source, **context):
    return Template("{% load bilingual %}" + source).render(Context(context))


class Pair:
    def __init__(self, zh="", en=""):
        self.description_zh, self.description_en = zh, en


@pytest.mark.parametrize(
    ("reading", "interface", "expected"),
    [("zh", "en", "zh"), ("en", "zh-hans", "en"), ("both", "en", "en"), ("both", "zh-hans", "zh")],
)
def test_the_reader_reads_their_choice_else_the_interface_language(reading, interface, expected):
    with translation.override(interface):
        assert reader_language(reading) == expected


def test_a_text_language_is_where_most_of_its_letters_are():
    assert text_language("一个中文基准") == "zh"
    assert text_language("Only in the meeting write-up's table.") == "en"
    assert text_language("完全支持商用 (fully permits commercial use)") == "en"
    assert text_language("通用20G（Plus：通用120G）") == "zh"
    assert text_language("1.312") == ""


def test_pick_and_picked_show_the_readers_side_and_mark_a_missing_one():
    both = Pair(zh="中文简介", en="English description")
    assert render('{% pick obj "description" %}', obj=both, reader_language="en") == (
        "English description"
    )
    assert render('{% pick obj "description" %}', obj=both, reader_language="zh") == "中文简介"
    shown = render('{% picked obj "description" %}', obj=both, reader_language="zh")
    assert shown == '<span lang="zh-Hans">中文简介</span>'
    with translation.override("en"):
        only_zh = render('{% picked obj "description" %}', obj=Pair(zh="中文简介"), reading="en")
    assert '<span lang="zh-Hans">中文简介</span>' in only_zh
    assert "Chinese only" in only_zh
    with translation.override("zh-hans"):
        only_en = render('{% picked obj "description" %}', obj=Pair(en="English"), reading="both")
    assert '<span lang="en">English</span>' in only_en and "仅英文" in only_en
    assert render('{% picked obj "description" %}', obj=Pair(), reader_language="en") == ""
    long = render(
        '{% picked obj "description" truncate=10 %}', obj=Pair(en="x" * 50), reader_language="en"
    )
    assert long == '<span lang="en">xxxxxxxxx…</span>'


def test_taxonomy_marks_a_description_in_chinese_only(member_client):
    Ability.objects.create(slug="gen", level="basic", name="Gen", description_zh="语言生成任务")
    Ability.objects.create(
        slug="use", level="basic", name="Use", description_zh="知识利用", description_en="Knowledge"
    )
    english = member_client.get(reverse("papers:taxonomy"), HTTP_ACCEPT_LANGUAGE="en")
    assertContains(english, '<span lang="zh-Hans">语言生成任务</span>')
    assertContains(english, "Chinese only", count=1)
    assertContains(english, '<span lang="en">Knowledge</span>')
    assertNotContains(english, "知识利用")
    chinese = member_client.get(reverse("papers:taxonomy"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assertContains(chinese, '<span lang="zh-Hans">知识利用</span>')
    assertNotContains(chinese, "仅中文")


def test_reading_list_marks_a_description_in_english_only(member_client):
    reading_list = ReadingListFactory(description_en="The Surveys table of the note.")
    chinese = member_client.get(reading_list.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assertContains(chinese, '<span lang="en">The Surveys table of the note.</span>')
    assertContains(chinese, "仅英文")
    english = member_client.get(reading_list.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assertNotContains(english, "English only")
    reading_list.description_zh = "笔记中的综述表格。"
    reading_list.save()
    chinese = member_client.get(reading_list.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assertContains(chinese, '<span lang="zh-Hans">笔记中的综述表格。</span>')
    assertNotContains(chinese, "仅英文")
