"""What a member reads in their Atom feeds and calendar files: the body and the titles in
their e-mail language, a skipped or moved meeting marked, no stray spaces, and links on
the host the site answers at (not settings.SITE_URL, which is for e-mails)."""

import datetime
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.urls import reverse

from notes.feeds import token_for
from notes.models import MemberSettings
from tests.factories import MeetingFactory, NoteFactory, ReadingGroupFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
ZH_NAME, EN_NAME = "大模型论文读书会", "LLM Reading Group"
COMING = datetime.date.today() + datetime.timedelta(days=30)
SITE_HOST = "127.0.0.1:8161"


@pytest.fixture
def group(db):  # the group's name in both languages
    return ReadingGroupFactory(name=EN_NAME, name_zh=ZH_NAME)


def english(member):
    MemberSettings.objects.create(user=member, email_language="en")


def entries(client, name, member):
    """The feed's entries as (title, summary) pairs."""
    response = client.get(reverse(f"notes:{name}", args=[token_for(member)]))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [
        (entry.findtext(f"{ATOM}title"), entry.findtext(f"{ATOM}summary") or "")
        for entry in root.iter(f"{ATOM}entry")
    ]


# 1. The description is the body in the member's e-mail language, else the other one.


@pytest.mark.parametrize("name", ["meetings_feed", "notes_feed"])
def test_an_english_reader_reads_the_english_body(client, member, group, name):
    body = {"body_zh": "中文正文：规模定律。", "body_en": "English body: scaling laws."}
    MeetingFactory(group=group, **body)
    NoteFactory(group=group, visibility="group", **body)
    english(member)
    ((_title, summary),) = entries(client, name, member)
    assert "English body" in summary and "中文正文" not in summary


@pytest.mark.parametrize("name", ["meetings_feed", "notes_feed"])
def test_a_chinese_reader_reads_the_chinese_body(client, member, group, name):
    body = {"body_zh": "中文正文：规模定律。", "body_en": "English body: scaling laws."}
    MeetingFactory(group=group, **body)
    NoteFactory(group=group, visibility="group", **body)
    ((_title, summary),) = entries(client, name, member)
    assert "中文正文" in summary and "English body" not in summary


@pytest.mark.parametrize("name", ["meetings_feed", "notes_feed"])
def test_a_body_in_one_language_is_shown_to_either_reader(client, member, group, name):
    MeetingFactory(group=group, body_zh="只有中文。", body_en="")
    NoteFactory(group=group, visibility="group", body_zh="只有中文。", body_en="")
    english(member)
    ((_title, summary),) = entries(client, name, member)
    assert "只有中文" in summary


# 2. Titles: a skipped or moved meeting is marked, in the member's language; no stray spaces.


def test_a_skipped_or_moved_meeting_is_marked_in_the_feed_title(client, member, group):
    MeetingFactory(group=group, number=4, date=datetime.date(2026, 12, 23), status="skipped")
    MeetingFactory(group=group, number=5, date=datetime.date(2026, 12, 30), status="moved")
    MeetingFactory(group=group, number=6, date=datetime.date(2027, 1, 6))
    english(member)
    titles = sorted(title for title, _summary in entries(client, "meetings_feed", member))
    assert titles == [
        f"{EN_NAME} #4 · 2026-12-23 · skipped · Group meeting",
        f"{EN_NAME} #5 · 2026-12-30 · moved · Group meeting",
        f"{EN_NAME} #6 · 2027-01-06 · Group meeting",
    ]
    MemberSettings.objects.filter(user=member).update(email_language="zh-hans")
    titles = sorted(title for title, _summary in entries(client, "meetings_feed", member))
    assert titles == [
        f"{ZH_NAME} #4 · 2026-12-23 · 停会 · 组会分享",
        f"{ZH_NAME} #5 · 2026-12-30 · 已改期 · 组会分享",
        f"{ZH_NAME} #6 · 2027-01-06 · 组会分享",
    ]


def test_a_meeting_without_a_title_has_no_stray_space_in_the_feeds(client, member, group):
    MeetingFactory(group=group, number=9, date=COMING, title_zh="", title_en="")
    english(member)
    ((title, _summary),) = entries(client, "meetings_feed", member)
    assert title == f"{EN_NAME} #9 · {COMING:%Y-%m-%d}"
    activity = [title for title, _summary in entries(client, "activity_feed", member)]
    # The group is named last (a member of two groups told one #9 from the other).
    assert f"planned a meeting: #9 · {COMING:%Y-%m-%d} · {EN_NAME}" in activity
    for title in activity:
        assert title == title.strip() and "  " not in title


# 3. Calendar links use the request's scheme and host; e-mails keep settings.SITE_URL.


def calendar_text(response):
    assert response.status_code == 200
    cal = icalendar.Calendar.from_ical(response.content)
    return [(str(e["description"]), str(e["url"])) for e in cal.walk("VEVENT")]


def test_calendar_links_are_on_the_host_the_site_answers_at(client, member, group, settings):
    settings.SITE_URL = "http://localhost:8000"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    meeting = MeetingFactory(group=group, number=2, date=COMING)
    page = f"http://{SITE_HOST}{meeting.get_absolute_url()}"
    token = token_for(member)
    for url in [
        reverse("notes:group_calendar", args=[token, group.slug]),
        reverse("notes:member_calendar", args=[token]),
    ]:
        ((description, link),) = calendar_text(client.get(url, HTTP_HOST=SITE_HOST))
        assert page in description and link == page
        assert "localhost:8000" not in description
    client.force_login(member)
    ics = reverse("notes:meeting_ics", args=[group.slug, meeting.number])
    ((description, link),) = calendar_text(client.get(ics, HTTP_HOST=SITE_HOST, secure=True))
    assert f"https://{SITE_HOST}{meeting.get_absolute_url()}" in description
    assert "localhost:8000" not in description


# 4. The one-meeting file's name is in the same language as its event, with no stray space.


def test_the_meeting_file_is_named_in_the_members_language(client, member, group):
    meeting = MeetingFactory(group=group, number=2, date=COMING, title_zh="", title_en="")
    client.force_login(member)
    url = reverse("notes:meeting_ics", args=[group.slug, meeting.number])

    cal = icalendar.Calendar.from_ical(client.get(url).content)
    (event,) = cal.walk("VEVENT")
    assert str(cal["x-wr-calname"]) == f"{ZH_NAME} #2 · {COMING:%Y-%m-%d}"
    assert str(event["summary"]).startswith(f"{ZH_NAME} #2")

    english(member)  # the member's e-mail language, whatever the page's language was
    cal = icalendar.Calendar.from_ical(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content)
    (event,) = cal.walk("VEVENT")
    assert str(cal["x-wr-calname"]) == f"{EN_NAME} #2 · {COMING:%Y-%m-%d}"
    assert str(event["summary"]).startswith(f"{EN_NAME} #2")
