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


@pytest.mark.django_db
def test_a_topic_named_with_a_chinese_comma_stays_one_when_its_note_is_edited(
    member_client, member
):
    """The API keeps names as given: "大模型，对齐" was written back unquoted for editing,
    and the next save on the site split it into two topics."""
    from tests.factories import NoteFactory

    note = NoteFactory(author=member, body_en="Before")
    note.tags.add("大模型，对齐", "预训练、微调", "RLHF")
    url = reverse("notes:note_edit", args=[note.slug])
    page = member_client.get(url)
    shown = 'value="&quot;大模型，对齐&quot;, &quot;预训练、微调&quot;, RLHF"'
    assert shown in page.content.decode()
    form = page.context["form"]
    fields = {name: form[name].value() or "" for name in form.fields}
    # Sent back as the page shows it.
    member_client.post(
        url, {**fields, "body_en": "After", "tags": '"大模型，对齐", "预训练、微调", RLHF'}
    )
    note.refresh_from_db()
    assert note.body_en == "After"
    assert sorted(note.tags.names()) == ["RLHF", "大模型，对齐", "预训练、微调"]
