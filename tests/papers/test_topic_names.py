"""A topic's Chinese name (papers.TopicName): edited on the topic's admin page, shown in
its change list, kept through a merge of topics, and part of its records' search text."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from taggit.models import Tag

from papers.models import TopicName
from search.query import search
from tests.factories import DatasetFactory, LanguageModelFactory, PaperFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:taggit_tag_changelist")


def change_page(tag):
    return reverse("admin:taggit_tag_change", args=[tag.pk])


def chinese_name(tag):
    return TopicName.objects.filter(tag=tag).values_list("name_zh", flat=True).first()


def test_an_organiser_names_a_topic_in_chinese_on_its_page(staff_client):
    tag = Tag.objects.create(name="Alignment", slug="alignment")
    page = staff_client.get(change_page(tag), HTTP_ACCEPT_LANGUAGE="en")
    assertContains(page, 'name="name_zh"')
    assertContains(page, "Shown instead of the name when the site speaks Chinese.")

    def save(name_zh):
        response = staff_client.post(
            change_page(tag), {"name": "Alignment", "name_zh": name_zh, "slug": "alignment"}
        )
        assert response.status_code == 302

    save(" 对齐 ")
    assert chinese_name(tag) == "对齐"
    assertContains(staff_client.get(change_page(tag)), 'value="对齐"')
    save("价值对齐")
    assert chinese_name(tag) == "价值对齐"
    save("")  # cleared: the topic has no Chinese name any more
    assert not TopicName.objects.exists()
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Alignment", "alignment")


def test_a_new_topic_gets_its_chinese_name_with_it(staff_client):
    response = staff_client.post(
        reverse("admin:taggit_tag_add"), {"name": "Agents", "name_zh": "智能体", "slug": "agents"}
    )
    assert response.status_code == 302
    assert chinese_name(Tag.objects.get(name="Agents")) == "智能体"


def test_the_change_list_shows_and_finds_the_chinese_names(staff_client):
    alignment = Tag.objects.create(name="Alignment", slug="alignment")
    Tag.objects.create(name="Agents", slug="agents")
    TopicName.objects.create(tag=alignment, name_zh="对齐")
    page = staff_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="en")
    assertContains(page, '<td class="field-name_zh">对齐</td>', html=True)
    assertContains(page, '<td class="field-name_zh">-</td>', html=True)  # Agents: none
    # Its header is the column's own, and sorts by it (where the names are not empty:
    # the databases place an empty one apart).
    assertContains(page, '<a href="?o=2.1">Chinese name</a>', html=True)
    TopicName.objects.create(tag=Tag.objects.create(name="Safety", slug="safety"), name_zh="安全")
    by_chinese = staff_client.get(CHANGELIST, {"o": "2"}, HTTP_ACCEPT_LANGUAGE="en")
    named = [t.name for t in by_chinese.context["cl"].result_list if t.name != "Agents"]
    assert named == ["Safety", "Alignment"]  # 安全, 对齐: not in the names' order
    found = staff_client.get(CHANGELIST, {"q": "对齐"})
    assertContains(found, "Alignment")
    assertNotContains(found, "Agents")


def merge(client, names, keep):
    return client.post(
        CHANGELIST,
        {
            "action": "merge",
            ACTION_CHECKBOX_NAME: [
                str(pk) for pk in Tag.objects.filter(name__in=names).values_list("pk", flat=True)
            ],
            "keep": str(Tag.objects.get(name=keep).pk),
        },
    )


def test_a_merge_keeps_the_kept_topics_chinese_name(staff_client):
    for name, name_zh in [("Alignment", "对齐"), ("RLHF", "人类反馈强化学习")]:
        TopicName.objects.create(tag=Tag.objects.create(name=name), name_zh=name_zh)
    PaperFactory().tags.add("Alignment", "RLHF")
    merge(staff_client, ["Alignment", "RLHF"], keep="Alignment")
    assert list(TopicName.objects.values_list("tag__name", "name_zh")) == [("Alignment", "对齐")]


def test_a_merge_gives_a_topic_without_one_a_merged_topics_chinese_name(staff_client):
    Tag.objects.create(name="Agents")
    TopicName.objects.create(tag=Tag.objects.create(name="LLM agents"), name_zh="智能体")
    PaperFactory().tags.add("LLM agents")
    merge(staff_client, ["Agents", "LLM agents"], keep="Agents")
    assert list(TopicName.objects.values_list("tag__name", "name_zh")) == [("Agents", "智能体")]


def test_searching_a_topics_chinese_name_finds_its_records(user):
    paper = PaperFactory(title_en="Training language models to follow instructions")
    model, dataset = LanguageModelFactory(), DatasetFactory()
    for record in (paper, model, dataset):
        record.tags.add("Alignment")
    assert search(user, "对齐").total == 0
    TopicName.objects.rename(Tag.objects.get(name="Alignment"), "对齐")
    found = search(user, "对齐")
    assert found.total == 3
    TopicName.objects.rename(Tag.objects.get(name="Alignment"), "")
    assert search(user, "对齐").total == 0
    assert search(user, "alignment").total == 3  # the name, as before


def test_a_rebuilt_index_holds_the_chinese_names(user):
    from search.index import rebuild

    for _ in range(3):
        PaperFactory().tags.add("Alignment", "Surveys")
    TopicName.objects.rename(Tag.objects.get(name="Alignment"), "对齐")
    rebuild()
    assert search(user, "对齐").total == 3


def renaming_queries(count, name_zh):
    """The queries of naming the topic "Alignment" in Chinese, after it was put on
    ``count`` more papers."""
    for _ in range(count):
        PaperFactory().tags.add("Alignment")
    with CaptureQueriesContext(connection) as queries:
        TopicName.objects.rename(Tag.objects.get(name="Alignment"), name_zh)
    return len(queries)


def test_naming_a_topic_indexes_its_records_in_batches_not_one_by_one(user):
    # 287 papers took 1 442 queries (2 s) one by one; a topic on thousands, more than a
    # request may take.
    TopicName.objects.rename(Tag.objects.create(name="Alignment"), "对齐")
    assert renaming_queries(2, "价值对齐") == renaming_queries(12, "对齐")
    assert search(user, "对齐").total == 14
