"""Meeting times on lists and cards in the reader's time zone, as on the meeting page:
the group page's rows, the home page's next meeting, the organisers' schedule; and no
member ever gets another's times from the page cache."""

import datetime
import re
import zoneinfo
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notes.models import MemberSettings
from tests.factories import MembershipFactory, meeting_at

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
