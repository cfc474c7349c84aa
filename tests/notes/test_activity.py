"""What changed (notes/activity.py): the events' titles in the interface's language."""

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
