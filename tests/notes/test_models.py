import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from notes.models import Meeting, Note
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    ReadingGroupFactory,
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
