"""What changed (notes/activity.py): the events' titles in the interface's language, a
meeting's status beside its date."""

import datetime

import pytest
from django.utils import timezone, translation

from notes import activity
from tests.factories import MeetingFactory, NoteFactory

pytestmark = pytest.mark.django_db


def test_events_name_meetings_and_notes_in_the_interface_language(member, group):
    MeetingFactory(
        group=group,
        number=2,
        date=timezone.localdate() + datetime.timedelta(days=7),
        title_zh="组会分享：综述",
        title_en="Group meeting talk: a survey",
    )
    NoteFactory(title_zh="思维链", title_en="Chain of thought")
    NoteFactory(title_zh="", title_en="", body_zh="正文")

    english = {event.what for event in activity.recent(member)}
    with translation.override("zh-hans"):
        chinese = {event.what for event in activity.recent(member)}

    assert {"#2 Group meeting talk: a survey", "Chain of thought", "Untitled note"} <= english
    assert {"#2 组会分享：综述", "思维链"} <= chinese
    assert not {"#2 组会分享：综述", "思维链"} & english


def test_a_skipped_meeting_says_so_and_an_untitled_one_has_no_stray_space(member, group):
    day = timezone.localdate() + datetime.timedelta(days=7)
    MeetingFactory(group=group, number=4, date=day, status="skipped", title_zh="", title_en="")

    [english] = [e for e in activity.recent(member) if e.kind == "meeting"]
    with translation.override("zh-hans"):
        [chinese] = [e for e in activity.recent(member) if e.kind == "meeting"]

    assert (english.what, english.detail) == ("#4", f"{day:%Y-%m-%d} · skipped")
    assert chinese.detail == f"{day:%Y-%m-%d} · 停会"
