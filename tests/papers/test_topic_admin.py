"""Topics (taggit's tags) in the admin: merging them moves every record's topic, whatever
kind of record carries it (taggit's own action moved only its generic tagged items, which
the site does not use, and said it had merged)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from taggit.models import Tag

from search.models import SearchDocument
from tests.factories import DatasetFactory, LanguageModelFactory, NoteFactory, PaperFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:taggit_tag_changelist")


@pytest.fixture
def tagged():
    both, alignment, agents = PaperFactory(), PaperFactory(), PaperFactory()
    both.tags.add("Agents", "Alignment")
    alignment.tags.add("Alignment")
    agents.tags.add("Agents")
    model, dataset, note = LanguageModelFactory(), DatasetFactory(), NoteFactory()
    for record in (model, dataset, note):
        record.tags.add("Alignment")
    return both, alignment, agents, model, dataset, note


def merge(client, names, keep=None):
    data = {
        "action": "merge",
        ACTION_CHECKBOX_NAME: [
            str(pk) for pk in Tag.objects.filter(name__in=names).values_list("pk", flat=True)
        ],
    }
    if keep:
        data["keep"] = str(Tag.objects.get(name=keep).pk)
    return client.post(CHANGELIST, data, follow=bool(keep))


def test_merging_asks_which_topic_to_keep_then_moves_every_record(staff_client, tagged):
    both, alignment, agents, model, dataset, note = tagged
    page = merge(staff_client, ["Agents", "Alignment"])
    assertContains(page, "Choose the topic to keep")
    assertContains(page, "used 5 times")  # Alignment: two papers, a model, a dataset, a note
    assertContains(page, "used 2 times")  # Agents: two papers
    response = merge(staff_client, ["Agents", "Alignment"], keep="Agents")
    assertContains(response, "Merged “Alignment” into “Agents”.")
    assert not Tag.objects.filter(name="Alignment").exists()
    for record in tagged:
        record.refresh_from_db()
        assert [tag.name for tag in record.tags.all()] == ["Agents"], record
    # The search index reads the topics again.
    document = SearchDocument.objects.get(kind="papers", object_id=alignment.pk)
    assert "Agents" in document.head + document.body
    assert "Alignment" not in document.head + document.body


def test_merging_needs_two_topics_and_speaks_chinese(staff_client, tagged):
    response = staff_client.post(
        CHANGELIST,
        {"action": "merge", ACTION_CHECKBOX_NAME: [str(Tag.objects.get(name="Agents").pk)]},
        follow=True,
    )
    assertContains(response, "Select two topics or more to merge.")
    page = staff_client.post(
        CHANGELIST,
        {"action": "merge", ACTION_CHECKBOX_NAME: [str(t.pk) for t in Tag.objects.all()]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assertContains(page, "合并主题")
    assertNotContains(page, "Merge topics")


def test_a_topics_page_has_no_generic_items_inline(staff_client, tagged):
    tag = Tag.objects.get(name="Agents")
    page = staff_client.get(reverse("admin:taggit_tag_change", args=[tag.pk]))
    assertNotContains(page, "taggeditem")
