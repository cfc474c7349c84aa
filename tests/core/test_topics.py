"""Topics typed in a form (core/topics.py): Chinese commas separate them too."""

import pytest
from django.urls import reverse

from core.topics import parse_topics
from notes.models import Note


def test_chinese_commas_separate_topics_as_ascii_ones_do():
    assert parse_topics("大模型，对齐、全角") == ["全角", "大模型", "对齐"]
    assert parse_topics("Prompting, RLHF") == ["Prompting", "RLHF"]
    assert parse_topics('"北京，上海"，c') == ["c", "北京，上海"]  # quoted: one name, as typed
    assert parse_topics("") == []


def test_a_name_of_signs_only_is_no_topic():
    assert parse_topics(";;, RLHF, ——, C++") == ["C++", "RLHF"]


@pytest.mark.django_db
def test_a_note_saves_topics_typed_with_chinese_commas_as_several(member_client, member):
    member_client.post(
        reverse("notes:note_create"),
        {"title_zh": "笔记", "visibility": "private", "tags": "大模型，对齐、全角"},
    )
    assert sorted(Note.objects.get(author=member).tags.names()) == ["全角", "大模型", "对齐"]
