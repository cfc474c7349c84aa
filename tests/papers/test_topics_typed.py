"""A topic typed by its Chinese name is that topic (papers/topics.py): the Chinese
interface shows Surveys as 综述, and 综述 typed in a note's topics made a second topic
that the site showed alike."""

import pytest
from django.urls import reverse
from taggit.forms import TagField
from taggit.models import Tag

from notes.models import Note
from papers.models import TopicName
from papers.topics import topic_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def surveys():
    tag = Tag.objects.create(name="Surveys", slug="surveys")
    TopicName.objects.rename(tag, "综述")
    return tag


def test_a_chinese_name_is_read_as_its_topic(surveys):
    assert topic_names("综述，新话题") == ["Surveys", "新话题"]
    assert topic_names("综述, Surveys") == ["Surveys"]
    assert topic_names("") == []


def test_a_topic_named_so_keeps_its_own_name(surveys):
    Tag.objects.create(name="综述", slug="zong-shu")
    assert topic_names("综述") == ["综述"]


def test_a_note_tagged_by_the_chinese_name_gets_the_topic(member_client, member, surveys):
    member_client.post(
        reverse("notes:note_create"),
        {"title_zh": "笔记", "visibility": "private", "tags": "综述、测试"},
    )
    assert sorted(Note.objects.get(author=member).tags.names()) == ["Surveys", "测试"]
    assert not Tag.objects.filter(name="综述").exists()


def test_every_form_of_topics_reads_a_chinese_name_as_its_topic(surveys):
    """taggit's TagField: the admin's papers, models and datasets and the notes' form."""
    assert TagField().clean("综述") == ["Surveys"]
