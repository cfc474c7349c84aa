"""Times in the reader's time zone: meetings on lists and cards as on the meeting page
(the group page's rows, the home page's next meeting, the organisers' schedule), and
comments, notes and what changed; no member ever gets another's times from the page
cache."""

import datetime
import re
import zoneinfo
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notes.models import Comment, MemberSettings, Note
from tests.factories import CommentFactory, MembershipFactory, NoteFactory, meeting_at

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
LONDON = zoneinfo.ZoneInfo("Europe/London")


def text_of(response, start=None, end=None):
    """The page's text, tags out and spaces collapsed (from ``start`` to ``end``)."""
    html = response.content.decode()
    if start:
        html = html[html.index(start) :]
    if end:
        html = html[: html.index(end)]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def in_zone(user, zone):
    MemberSettings.objects.update_or_create(user=user, defaults={"time_zone": zone})


def test_group_page_rows_give_the_date_weekday_and_time_in_the_readers_zone(
    member_client, member, group
):
    """It read "2027-01-06 Tue 19:00": the group's date next to New York's weekday and
    time. A Shanghai meeting at 08:00 on Wednesday is at 19:00 on Tuesday in New York."""
    meeting_at(group, datetime.datetime(2027, 1, 6, 8), SHANGHAI, 6)
    page = text_of(member_client.get(group.get_absolute_url()), "Coming meetings", "Past")
    assert "2027-01-06 Wed 08:00 #6" in page  # the group's own zone, not named
    in_zone(member, "America/New_York")
    page = text_of(member_client.get(group.get_absolute_url()), "Coming meetings", "Past")
    assert "2027-01-05 Tue 19:00 #6" in page
    assert "2027-01-06" not in page
    assert "America/New_York" not in page  # their own zone: every row is in it


def test_group_page_names_a_meetings_zone_that_is_not_the_readers(member_client, group):
    """A member with no zone of their own reads each meeting in its zone: a one-off held
    in London says so, among the group's Shanghai rows."""
    meeting_at(group, datetime.datetime(2027, 1, 6, 19), SHANGHAI, 6)
    meeting_at(group, datetime.datetime(2027, 1, 8, 14), LONDON, 7)
    page = text_of(member_client.get(group.get_absolute_url()), "Coming meetings", "Past")
    assert "2027-01-06 Wed 19:00 #6" in page
    assert "2027-01-08 Fri 14:00 Europe/London #7" in page
    assert "Asia/Shanghai" not in page


def _card(response):
    return text_of(response, '<article class="meeting-card">', "</article>")


def test_home_card_gives_the_readers_date_time_zone_and_days_as_the_meeting_page(
    member_client, member, group
):
    """It read "2026-12-06 19:00 · 1 日后" (the group's date and time, no zone, Django's
    timeuntil) where the meeting page said "06:00–07:30 America/New_York 2 天后"."""
    now = timezone.now()
    day = now.astimezone(SHANGHAI).date() + datetime.timedelta(days=2)
    start = datetime.datetime.combine(day, datetime.time(8), tzinfo=SHANGHAI)
    meeting = meeting_at(group, start.replace(tzinfo=None), SHANGHAI, 6)
    in_zone(member, "America/New_York")
    local = start.astimezone(NEW_YORK)
    days = (local.date() - now.astimezone(NEW_YORK).date()).days
    assert local.date() == day - datetime.timedelta(days=1)
    shown = f"{local:%Y-%m-%d} {local:%a} 19:00–20:30 America/New_York"

    card = _card(member_client.get(reverse("reading:home")))
    assert shown in card
    assert f"{day:%Y-%m-%d}" not in card and "08:00" not in card
    relative = {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")
    assert f"America/New_York · {relative} ·" in card
    # As the meeting page says it.
    plan = text_of(member_client.get(meeting.get_absolute_url()), 'id="plan"', "</dl>")
    assert shown in plan and relative in plan

    chinese = _card(member_client.get(reverse("reading:home"), HTTP_ACCEPT_LANGUAGE="zh-hans"))
    wording = {0: "今天", 1: "明天"}.get(days, f"{days} 天后")
    assert f"America/New_York · {wording} ·" in chinese
    assert "日后" not in chinese


def test_home_card_of_a_reader_without_a_zone_names_the_meetings(member_client, group):
    day = timezone.now().astimezone(SHANGHAI).date() + datetime.timedelta(days=3)
    meeting_at(group, datetime.datetime.combine(day, datetime.time(19)), SHANGHAI, 6)
    card = _card(member_client.get(reverse("reading:home")))
    assert f"{day:%Y-%m-%d} {day:%a} 19:00–20:30 Asia/Shanghai · in 3 days ·" in card


def _schedule_rows(client, group):
    return text_of(
        client.get(reverse("notes:schedule", args=[group.slug])), "Coming meetings", "one-off"
    )


def test_schedule_rows_are_in_one_zone_or_name_theirs(client, group):
    """A one-off held in London read "#10 2026-12-18 Fri 14:00" between Shanghai's 19:00
    rows, no zone shown."""
    organiser = MembershipFactory(group=group, role="organiser").user
    client.force_login(organiser)
    meeting_at(group, datetime.datetime(2027, 1, 13, 19), SHANGHAI, 9)
    meeting_at(group, datetime.datetime(2027, 1, 15, 14), LONDON, 10)
    meeting_at(group, datetime.datetime(2027, 1, 20, 8), SHANGHAI, 11)
    rows = _schedule_rows(client, group)
    assert "#9 2027-01-13 Wed 19:00 " in rows
    assert "#10 2027-01-15 Fri 14:00 Europe/London" in rows
    assert "#11 2027-01-20 Wed 08:00 " in rows
    assert "Asia/Shanghai" not in rows
    # In the organiser's own zone: every row in it, none named.
    in_zone(organiser, "America/New_York")
    rows = _schedule_rows(client, group)
    assert "#9 2027-01-13 Wed 06:00 " in rows
    assert "#10 2027-01-15 Fri 09:00 " in rows
    assert "#11 2027-01-19 Tue 19:00 " in rows
    assert "Europe/London" not in rows and "America/New_York" not in rows


def test_members_in_different_zones_never_get_each_others_times_from_the_cache(group, settings):
    """Both read the same pages, each twice, in turns, with the page cache on: the home
    page and the group page (kept per session), the meeting page (kept for everyone
    who reads alike, the plan their own) and a past meeting's (its plan kept per zone)."""
    settings.PAGECACHE_ENABLED = True
    settings.PAGECACHE_SESSION_PAGES = True
    settings.PAGECACHE_AUDIENCE_PAGES = True
    day = timezone.now().astimezone(SHANGHAI).date() + datetime.timedelta(days=3)
    coming = meeting_at(group, datetime.datetime.combine(day, datetime.time(8)), SHANGHAI, 6)
    past = meeting_at(group, datetime.datetime(2026, 1, 7, 8), SHANGHAI, 1)
    readers = {}
    for zone in ("America/New_York", "Europe/London"):
        user = MembershipFactory(group=group).user
        in_zone(user, zone)
        client = Client()
        client.force_login(user)
        readers[zone] = (user, client)

    def shown(start, zone):
        local = start.astimezone(zoneinfo.ZoneInfo(zone))
        return f"{local:%Y-%m-%d} {local:%a} {local:%H:%M}"

    pages = {
        "home": (lambda: reverse("reading:home"), "meeting-card", "</article>"),
        "group": (group.get_absolute_url, "Coming meetings", "Past meetings"),
        "meeting": (coming.get_absolute_url, 'id="plan"', "</dl>"),
        "past meeting": (past.get_absolute_url, 'id="plan"', "</dl>"),
    }
    for _turn in range(2):
        for zone, (_user, client) in readers.items():
            other = next(z for z in readers if z != zone)
            for name, (url, start, end) in pages.items():
                meeting = past if name == "past meeting" else coming
                text = text_of(client.get(url()), start, end)
                assert shown(meeting.starts_at, zone) in text, (name, zone, text)
                assert shown(meeting.starts_at, other) not in text, (name, zone, text)
                assert other not in text, (name, zone, text)

    # A member who changes their zone reads the new one at once.
    user, client = readers["Europe/London"]
    client.post(
        reverse("notes:member_settings"),
        {"email": user.email, "email_language": "en", "time_zone": "UTC"},
    )
    assert MemberSettings.objects.get(user=user).time_zone == "UTC"
    for name, (url, start, end) in pages.items():
        meeting = past if name == "past meeting" else coming
        text = text_of(client.get(url()), start, end)
        assert shown(meeting.starts_at, "UTC") in text, (name, text)
        assert "Europe/London" not in text, (name, text)


def test_home_page_is_kept_per_day_of_the_members_zone(member_client, member, group, monkeypatch):
    """Kept under the site's date only, the card said "in 2 days" all of New York's
    morning after its midnight, the site's day not over."""
    day = timezone.now().astimezone(SHANGHAI).date() + datetime.timedelta(days=1)
    in_zone(member, "America/New_York")
    noon = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(12))
    meeting_at(group, noon, NEW_YORK, 6)
    # The same day in Shanghai (the site's); New York's midnight in between.
    before = datetime.datetime.combine(day, datetime.time(12, 30), tzinfo=SHANGHAI)
    after = datetime.datetime.combine(day, datetime.time(14), tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: before)
    assert "in 2 days" in _card(member_client.get(reverse("reading:home")))
    monkeypatch.setattr(timezone, "now", lambda: after)
    assert "· tomorrow ·" in _card(member_client.get(reverse("reading:home")))


def test_comments_notes_and_what_changed_are_in_the_readers_own_zone(group, settings):
    """Comment times, a note's "updated" and the home page's list of what changed were
    in the site's zone, unnamed, for a member who chose another: 20:00 Shanghai read as
    20:00 in London. Two members who read alike take turns with the page cache on: each
    gets the times in their own zone (the site's for the one who chose none)."""
    settings.PAGECACHE_ENABLED = True
    settings.PAGECACHE_SESSION_PAGES = True
    settings.PAGECACHE_AUDIENCE_PAGES = True
    moment = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
    note = NoteFactory(visibility="everyone", group=group)
    comment = CommentFactory(note=note, paper=None, group=group, body="Why RoPE?")
    Comment.objects.filter(pk=comment.pk).update(created=moment)
    Note.objects.filter(pk=note.pk).update(updated=moment, created=moment)
    # A paper's page is kept whole for the members who read alike (core.audiencepage).
    discussed = CommentFactory(group=group, body="Why ALiBi?")
    Comment.objects.filter(pk=discussed.pk).update(created=moment)
    readers = {}
    for zone in ("Europe/London", ""):
        user = MembershipFactory(group=group).user
        if zone:
            in_zone(user, zone)
        client = Client()
        client.force_login(user)
        readers[zone or "Asia/Shanghai"] = client
    for _turn in range(2):
        for zone, client in readers.items():
            shown = f"{moment.astimezone(zoneinfo.ZoneInfo(zone)):%m-%d %H:%M}"
            other = "03-01 20:00" if zone == "Europe/London" else "03-01 12:00"
            page = client.get(note.get_absolute_url())
            said = text_of(page, 'id="comments"')
            assert f"2026-{shown}" in said and other not in said, (zone, said)
            header = text_of(page, '<p class="meta">', "</p>")
            assert f"updated 2026-{shown}" in header, (zone, header)
            paper = text_of(client.get(discussed.paper.get_absolute_url()))
            assert f"2026-{shown} Why ALiBi?" in paper and other not in paper, (zone, paper)
            home = text_of(client.get(reverse("reading:home")), 'class="plain activity"')
            assert f"{shown} " in home and f"{other} " not in home, (zone, home)  # this year


def test_the_readers_zone_comes_with_them_at_no_query_more(member_client, member):
    """Read with the member (notes.auth.MemberBackend, one LEFT JOIN): the zone costs no
    round trip on any page, not even the lightest."""
    url = reverse("health")
    with CaptureQueriesContext(connection) as before:
        member_client.get(url)
    in_zone(member, "Europe/London")
    with CaptureQueriesContext(connection) as after:
        member_client.get(url)
    assert len(after) == len(before)
    user_query = next(q["sql"] for q in after if 'FROM "auth_user"' in q["sql"])
    assert 'LEFT JOIN "notes_membersettings"' in user_query


def test_a_request_without_a_session_looks_up_no_member(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.get(reverse("login"))
