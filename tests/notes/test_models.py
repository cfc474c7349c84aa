import importlib
from types import SimpleNamespace
from unittest.mock import patch

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from notes.models import Meeting, Note, ReadingGroup
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    ReadingGroupFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_meeting_number_unique_within_group():
    meeting = MeetingFactory(number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(group=meeting.group, number=1)


def test_meeting_number_may_repeat_across_groups():
    MeetingFactory(number=1)
    MeetingFactory(number=1)
    assert Meeting.objects.filter(number=1).count() == 2


def test_meeting_writeup_rendered_on_save():
    meeting = MeetingFactory(
        body_zh="## 规模定律\n\n$$L(N)=\\left(\\frac{N_c}{N}\\right)^{\\alpha_N}$$"
    )
    assert "<h2" in meeting.body_zh_html
    assert "arithmatex" in meeting.body_zh_html


def test_note_gets_a_slug_and_rendered_bodies():
    note = NoteFactory(body_zh="**指令微调**", body_en="*instruction tuning*")
    assert note.slug.startswith("note-")
    assert "<strong>指令微调</strong>" in note.body_zh_html
    assert "<em>instruction tuning</em>" in note.body_en_html


def test_each_side_of_a_note_is_rendered_in_its_language():
    note = NoteFactory(body_zh="> [!info]\n> 要点", body_en="> [!info]\n> Gist")
    assert '<p class="callout-title">信息</p>' in note.body_zh_html
    assert '<p class="callout-title">Info</p>' in note.body_en_html


def test_note_needs_some_text():
    note = Note(visibility=Note.Visibility.EVERYONE)
    with pytest.raises(ValidationError) as excinfo:
        note.full_clean()
    assert excinfo.value.messages == ["Write a title or a body in at least one language."]


@pytest.mark.parametrize("body", ["<!-- draft -->", "&#8203;", "<!-- <script> -->", "## <!---->"])
def test_a_note_whose_body_renders_as_nothing_needs_a_title(body):
    """Its source is not empty, but it showed as an empty "Untitled note"."""
    note = Note(visibility=Note.Visibility.EVERYONE, body_en=body)
    with pytest.raises(ValidationError) as excinfo:
        note.full_clean()
    assert excinfo.value.messages == ["Write a title or a body in at least one language."]
    note.title_en = "Draft"
    note.full_clean(exclude=["slug"])


def test_note_group_visibility_needs_group():
    note = NoteFactory.build(visibility=Note.Visibility.GROUP, group=None, slug="x")
    with pytest.raises(ValidationError) as excinfo:
        note.full_clean()
    assert "group" in excinfo.value.message_dict


def test_note_visible_to_rules():
    group = ReadingGroupFactory()
    reader = MembershipFactory(group=group).user
    outsider = UserFactory()
    author = MembershipFactory(group=group).user
    public = NoteFactory(author=author, visibility="everyone")
    group_note = NoteFactory(author=author, visibility="group", group=group)
    private = NoteFactory(author=author, visibility="private")
    assert set(Note.objects.visible_to(author)) == {public, group_note, private}
    assert set(Note.objects.visible_to(reader)) == {public, group_note}
    assert set(Note.objects.visible_to(outsider)) == {public}


def test_meeting_visible_to_members_only():
    meeting = MeetingFactory()
    member = MembershipFactory(group=meeting.group).user
    assert list(Meeting.objects.visible_to(member)) == [meeting]
    assert list(Meeting.objects.visible_to(UserFactory())) == []


def test_deleting_a_paper_keeps_the_notes_on_it():
    from tests.factories import PaperFactory

    paper = PaperFactory()
    note = NoteFactory(paper=paper, visibility="private", body_zh="我的想法")
    paper.delete()
    note.refresh_from_db()
    assert (note.paper, note.body_zh) == (None, "我的想法")


def test_a_note_from_outside_is_bylined_in_the_interfaces_language():
    note = NoteFactory(
        author=None, author_name="Obsidian note “LLM”", author_name_zh="Obsidian 笔记《LLM》"
    )
    only_english = NoteFactory(author=None, author_name="shuyhere/all-about-llm")
    only_chinese = NoteFactory(author=None, author_name="", author_name_zh="组会记录")
    with translation.override("zh-hans"):
        bylines = [n.byline for n in (note, only_english, only_chinese)]
        assert bylines == ["Obsidian 笔记《LLM》", "shuyhere/all-about-llm", "组会记录"]
    with translation.override("en"):
        bylines = [n.byline for n in (note, only_english, only_chinese)]
        assert bylines == ["Obsidian note “LLM”", "shuyhere/all-about-llm", "组会记录"]


def test_notes_imported_before_get_their_sources_chinese_name(django_assert_max_num_queries):
    """notes.0023: the Chinese author name of a note imported before, from its sources."""
    obsidian = SourceFactory(
        slug="obsidian-llm-note",
        title_en="Obsidian note “Large language model” (Markdown source)",
        title_zh="Obsidian 笔记《大语言模型》（Markdown 原文）",
    )
    reading_list = SourceFactory(
        title_en="LLM paper reading list (Chinese summary of eugeneyan.com)",
        title_zh="LLM 论文阅读清单（eugeneyan.com 的中文摘要）",
    )
    same = SourceFactory(
        title_en="shuyhere/all-about-llm (GitHub README)",
        title_zh="shuyhere/all-about-llm（GitHub 项目说明）",
    )
    imported = {
        "Obsidian note “Large language model”": (obsidian, "Obsidian 笔记《大语言模型》"),
        "LLM paper reading list (eugeneyan.com)": (
            reading_list,
            "LLM 论文阅读清单（eugeneyan.com）",
        ),
        "shuyhere/all-about-llm": (same, ""),  # the same in Chinese
        "Someone else": (obsidian, ""),  # not the source's name
        "Obsidian note “Large language model”, abridged": (obsidian, ""),
    }
    notes = {}
    for name, (source, _chinese) in imported.items():
        notes[name] = NoteFactory(author=None, author_name=name)
        notes[name].sources.add(source)
    member = NoteFactory(author=UserFactory(), author_name="")
    member.sources.add(obsidian)
    named = NoteFactory(
        author=None, author_name="Obsidian note “Large language model”", author_name_zh="已有的名字"
    )
    named.sources.add(obsidian)
    migration = importlib.import_module("notes.migrations.0023_note_author_name_zh")
    with patch.object(migration, "BATCH", 2), django_assert_max_num_queries(12):
        migration.forwards(django_apps, SimpleNamespace(connection=connection))
    for name, (_source, chinese) in imported.items():
        notes[name].refresh_from_db()
        assert notes[name].author_name_zh == chinese, name
    member.refresh_from_db()
    named.refresh_from_db()
    assert (member.author_name_zh, named.author_name_zh) == ("", "已有的名字")


@pytest.mark.django_db(transaction=True)
def test_a_groups_description_moves_to_the_side_of_its_language():
    """notes.0024: each group's one description goes to the side of the language most of
    its letters are in; a text of both languages goes whole to one side."""
    from django.db.migrations.executor import MigrationExecutor

    before = [("notes", "0023_note_author_name_zh")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    Old = executor.loader.project_state(before).apps.get_model("notes", "ReadingGroup")
    for slug, description in [
        ("english", "Members take turns presenting papers."),
        ("chinese", "成员轮流在组会上分享论文。"),
        ("mixed", "Group meetings (组会分享)."),
        ("none", ""),
    ]:
        Old.objects.create(slug=slug, name=slug, description=description)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    groups = ReadingGroup.objects.filter(slug__in=["english", "chinese", "mixed", "none"])
    assert dict(groups.values_list("slug", "description_en")) == {
        "english": "Members take turns presenting papers.",
        "chinese": "",
        "mixed": "Group meetings (组会分享).",
        "none": "",
    }
    assert ReadingGroup.objects.get(slug="chinese").description_zh == "成员轮流在组会上分享论文。"
